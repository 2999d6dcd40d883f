"""The "try it" block printed when the stack is ready: copy-pasteable commands."""

from __future__ import annotations

from devstack.config import StackConfig


def try_it(cfg: StackConfig) -> str:
    api = f"{cfg.api_url}/v1"
    py = ".venv/bin/python"
    cli = f"{py} -m devstack" + ("" if str(cfg.state_dir) == ".devstack" else f" --state-dir {cfg.state_dir}")
    return f"""
Try it (in another terminal, from the repository root):

  curl -s {api}/health | python3 -m json.tool
  curl -s {api}/openapi.json | head -c 400; echo

  ADMIN=$({cli} token admin | tail -n1)
  curl -s -H "Authorization: Bearer $ADMIN" {api}/me
  DISPATCHER=$({cli} token dispatcher --scope county:350602 | tail -n1)
  curl -s -H "Authorization: Bearer $DISPATCHER" {api}/me
  curl -s -H "Authorization: Bearer $DISPATCHER" "{api}/audit?subject=incident:demo"   # 403: admins only
  curl -s -H "Authorization: Bearer $ADMIN" "{api}/audit?subject=incident:demo"

  {cli} fixtures | head -n 30      # the demo city: counties, addresses, units, hospitals ...

  # A resident scans a doorplate: sign its QR, open the call page, or call straight from the API
  CODE=$({cli} fixtures | python3 -c "import json,sys; print(json.load(sys.stdin)['addresses'][0]['code'])")
  QR=$(curl -s -X POST -H "Authorization: Bearer $ADMIN" {api}/addresses/$CODE/qr); echo "$QR"
  QR_TOKEN=$(echo "$QR" | python3 -c "import json,sys; print(json.load(sys.stdin)['token'])")
  curl -s {api}/addresses/$CODE/qr.svg -H "Authorization: Bearer $ADMIN" -o doorplate.svg
  curl -s -X POST {api}/calls -H 'Content-Type: application/json' -H "Idempotency-Key: $(date +%s%N)" \\
       -d '{{"qr_token": "'"$QR_TOKEN"'", "symptoms": ["chest_pain"]}}'
  # open the "url" printed above in a browser: the page a phone camera opens

  # Within a second the nearest free unit is claimed: the board, the incident, the crew's job
  curl -s -H "Authorization: Bearer $DISPATCHER" "{api}/incidents?county=350602" | python3 -m json.tool | head -n 40
  INC=$(curl -s -H "Authorization: Bearer $DISPATCHER" "{api}/incidents?county=350602" \\
        | python3 -c "import json,sys; print(json.load(sys.stdin)['incidents'][0]['incident_id'])")
  curl -s -H "Authorization: Bearer $DISPATCHER" {api}/incidents/$INC | python3 -m json.tool
  # what a crew terminal receives (run in another terminal):
  # {py} -c "import paho.mqtt.subscribe as s;m=s.simple('ems/units/+/dispatch', port={cfg.mqtt_port});print(m.payload)"
  curl -s -X POST -H "Authorization: Bearer $DISPATCHER" -H 'Content-Type: application/json' \\
       {api}/incidents/$INC/cancel -d '{{"reason": "demo"}}'       # the unit is stood down and free again
  curl -s -X POST {api}/health -d '{{}}'      # 405 in the error format
  curl -s {api}/nowhere                       # 404 in the error format
"""
