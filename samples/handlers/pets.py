"""A small pet-store Lambda function, written both ways API Gateway can call it.

proxy: for an AWS_PROXY integration; gets the whole request as the event and answers with
statusCode, headers and body.
lookup: for an AWS (non-proxy) integration; gets what the request template made of the
request, returns the pet, and raises for an unknown one, so that a selection pattern can
turn the error into a 404.
create: POST /pets of the sample API (samples/api), AWS_PROXY; PETS_TABLE comes from the
template's Environment.
"""

import json
import os

PETS = {"7": {"id": 7, "name": "Rex", "species": "dog"}, "8": {"id": 8, "name": "Tom", "species": "cat"}}


def proxy(event, context):
    pet_id = (event.get("pathParameters") or {}).get("petId")
    print(f"looking up pet {pet_id}")
    pet = PETS.get(pet_id)
    if pet is None:
        body = json.dumps({"message": "no such pet"})
        return {"statusCode": 404, "headers": {"Content-Type": "application/json"}, "body": body}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(pet)}


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
