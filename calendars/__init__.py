"""iCal feeds and the ASGI server that serves them."""
