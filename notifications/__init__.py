"""Email: Jinja2 templates, rendering, the outbox and the SMTP sender."""
