"""Security: accounts, roles and memberships, the access policy, the one query layer, audit.

``policy`` holds the rules as data; ``access`` is the only way case material
is read for a person (web pages, API, search and exports all go through it);
``audit`` is the hash-chained log of every consultation and change.
"""
