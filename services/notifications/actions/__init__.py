"""The notifications service's use cases, by area: order news (`orders`), the other notices
(`notices`), the in-app feed (`feed`), people and shops and their choices (`people`), and the
sender that delivers e-mail, SMS and Telegram messages after commit (`sending`)."""
