"""The notifications service: E-mail, SMS and in-app notices for every party."""
