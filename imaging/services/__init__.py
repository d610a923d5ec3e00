"""Imaging services: reading pixels (``reading``), what the text and codes say
(``identifiers``) and the stored results (``images``)."""
