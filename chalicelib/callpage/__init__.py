"""The public call page a doorplate QR code opens: `GET /q/{token}`.

A small self-contained mobile page (inline CSS and JS, no framework, no CDN) that shows the
address, places the call through `POST /v1/calls` and follows it through `GET /v1/calls/{id}`.
"""
