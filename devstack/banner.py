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
  curl -s -X POST {api}/health -d '{{}}'      # 405 in the error format
  curl -s {api}/nowhere                       # 404 in the error format
"""
