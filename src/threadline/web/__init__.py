"""The web application: FastAPI app factory, sign-in, pages and the JSON API.

Everything a page or API call shows of the case material comes from
:class:`threadline.security.access.Access`; routes never filter by hand.
"""
