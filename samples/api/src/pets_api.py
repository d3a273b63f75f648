"""The pet store's Lambda functions (samples/api): one behind an AWS (non-proxy) integration,
one behind an AWS_PROXY integration.

lookup: GET /pets/{petId}. The request template gives {"petId": ...}; an unknown pet raises,
and the error message is matched against the selection patterns ("Not found.*" -> 404).
create: POST /pets. Gets the whole request as the event and answers statusCode, headers and
body; PETS_TABLE comes from the template's Environment.
"""

import json
import os

PETS = {"7": {"id": 7, "name": "Rex", "species": "dog"}, "8": {"id": 8, "name": "Tom", "species": "cat"}}


def lookup(event, context):
    pet_id = str(event["petId"])
    print(f"looking up pet {pet_id}")
    if pet_id not in PETS:
        raise LookupError(f"Not found: pet {pet_id}")
    return PETS[pet_id]


def create(event, context):
    try:
        pet = json.loads(event.get("body") or "{}")
    except ValueError:
        pet = None
    if not isinstance(pet, dict) or not isinstance(pet.get("name"), str):
        return {"statusCode": 400, "body": json.dumps({"message": "a pet needs a name"})}
    created = {"id": 9, "name": pet["name"], "table": os.environ.get("PETS_TABLE", "pets")}
    headers = {"Content-Type": "application/json", "Location": f"/pets/{created['id']}"}
    return {"statusCode": 201, "headers": headers, "body": json.dumps(created)}
