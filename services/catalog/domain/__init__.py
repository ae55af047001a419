"""The catalog's pure rules: no I/O, no framework; the service layer calls these.

categories  the category tree and the characteristics each category allows
pricing     a line's unit price and total (options, discount, wholesale), the effective price
products    a product draft's rules: title, options, wholesale tiers, stock modes, dispatch days
video       YouTube links
shops       shop profile rules, vacation, status → visibility and buying
ratings     a shop's rating: the average of its public review ratings
sales       when an order's products count as bought (the `hit` label, popularity)
labels      new, hit, discount, free_delivery, official_reseller
popularity  the documented popularity score
stock       availability and all-or-nothing reservations
listing     the storefront orders (price, discount, popularity with promotions first, newest)
errors      typed errors with stable codes
"""
