"""A stranger sends malformed requests to Gradio's own routes: the REST routes the app's
/gradio_api/openapi.json describes (what a fuzzer reads), the queue's door the page and gradio_client
use, and the upload route. Each gets a 4xx whose message says what is wrong, never an HTTP 500 or a
result stream cut mid-answer, and never a stack trace or a path on the server. Then a proper call
still works, through the REST routes and through gradio_client."""
import json

import httpx
import pytest

from tests.helpers import ROOT

JSON = {"Content-Type": "application/json"}

MALFORMED = [  # what the stranger sends: method, route, the request; what they get: status, words of the message
    pytest.param("POST", "call/v2/classify", {"json": {}}, 422, "No value provided for required argument: image",
                 id="a call without a required parameter"),
    pytest.param("POST", "call/v2/classify", {"json": {"picture": None}}, 422, "`picture` is not a valid key-word",
                 id="a call with a parameter the endpoint does not have"),
    pytest.param("POST", "call/v2/classify", {"json": [None, "cnn"]}, 422, "must be a JSON object",
                 id="parameters as a list"),
    pytest.param("POST", "call/v2/new_seed", {"json": "cdcgan"}, 422, "must be a JSON object",
                 id="a bare string"),
    pytest.param("POST", "call/v2/new_seed", {"content": b'{"count": 4', "headers": JSON}, 400,
                 "not JSON", id="JSON cut short"),
    pytest.param("POST", "call/v2/new_seed", {"content": b'{"count": 1' + b"0" * 5000 + b"}", "headers": JSON},
                 400, "not JSON", id="a number of 5000 digits"),
    pytest.param("POST", "call/v2/new_seed", {"content": b"[" * 100_000, "headers": JSON}, 400, "not JSON",
                 id="arrays nested 100000 deep"),
    pytest.param("POST", "call/v2/new_seed", {"content": b'{"count": 4}', "headers": {"Content-Type": "text/plain"}},
                 415, "Content-Type: application/json", id="JSON sent as text"),
    pytest.param("POST", "call/v2/no_such_endpoint", {"json": {}}, 404, "no endpoint named 'no_such_endpoint'",
                 id="an endpoint that does not exist"),
    pytest.param("POST", "call/classify", {"json": {}}, 422, "data: Field required",
                 id="the listed form without data"),
    pytest.param("POST", "call/classify", {"json": {"data": {"image": None}}}, 422, "data: Input should be a valid list",
                 id="data not a list"),
    pytest.param("POST", "call/classify", {"json": {"data": [None, "cnn", "extra"]}}, 422,
                 "'/classify' takes 2 values in \"data\"; got 3", id="data of the wrong length"),
    pytest.param("POST", "call/no_such_endpoint", {"json": {"data": []}}, 404, "no endpoint named",
                 id="the listed form to an endpoint that does not exist"),
    pytest.param("POST", "call/v2/encode", {"json": {"drawing": 5}}, 422,  # the three a fuzzer cannot read
                 "No value provided for required argument: upload", id="encode without its upload"),
    pytest.param("POST", "call/v2/interpolate", {"json": {"frames": "many"}}, 422,
                 "No value provided for required argument: upload", id="interpolate with only a bad frame count"),
    pytest.param("POST", "call/v2/upload_checkpoint", {"json": {}}, 422,
                 "No value provided for required argument: files", id="an upload of no files"),
    pytest.param("GET", "call/classify/no-such-event", {}, 404, "No call with event id 'no-such-event'",
                 id="the results of an event that does not exist"),
    pytest.param("GET", "call/v2/classify", {}, 404, "No call with event id 'classify'",
                 id="a GET to a POST route (Gradio reads it as the results of event 'classify')"),
]


@pytest.fixture(scope="module")
def api(running_app) -> httpx.Client:
    """Plain HTTP to the running app's Gradio routes."""
    with httpx.Client(base_url=f"{running_app.src.rstrip('/')}/gradio_api/", timeout=60) as client:
        yield client


def results(api: httpx.Client, endpoint: str, posted: httpx.Response) -> tuple[str, object]:
    """The last event of a queued call's result stream, read to its end: ("complete" or "error", its data)."""
    assert posted.status_code == 200, posted.text
    stream = api.get(f"call/{endpoint}/{posted.json()['event_id']}").text
    event, data = stream.strip().split("\n\n")[-1].split("\n")
    return event.removeprefix("event: "), json.loads(data.removeprefix("data: "))


def message_of(answer: httpx.Response) -> str:
    """The refusal's message, after checking that it tells nothing of the server's insides."""
    for inside in ("Traceback", 'File "', "site-packages", str(ROOT)):
        assert inside not in answer.text, f"the answer shows the server's insides ({inside}): {answer.text}"
    return answer.json()["error"]


@pytest.mark.parametrize("method, route, sent, status, words", MALFORMED)
def test_a_malformed_request_gets_a_4xx_that_says_what_is_wrong(api, method, route, sent, status, words):
    answer = api.request(method, route, **sent)
    assert answer.status_code == status, answer.text
    assert words in message_of(answer)


def test_the_queue_door_refuses_a_function_it_does_not_have_and_too_few_values(api, running_app):
    classify = next(d["id"] for d in running_app.config["dependencies"] if d.get("api_name") == "classify")
    unknown = api.post("queue/join", json={"data": [], "fn_index": 99_999, "session_hash": "stranger"})
    assert unknown.status_code == 404 and "no function 99999" in message_of(unknown)
    short = api.post("queue/join", json={"data": [None], "fn_index": classify, "session_hash": "stranger"})
    assert short.status_code == 422 and "takes 2 values" in message_of(short)
    garbage = api.post("queue/join", json={"data": "cnn", "fn_index": classify, "session_hash": "stranger"})
    assert garbage.status_code == 422 and "data: Input should be a valid list" in message_of(garbage)


@pytest.mark.parametrize("query", ["", "?upload_id=stranger"], ids=["plain", "with upload progress"])
def test_an_upload_whose_files_part_is_not_a_file_is_refused(api, query):
    answer = api.post(f"upload{query}", files={"files": (None, "not a file")})
    assert answer.status_code == 400 and answer.text == 'Each "files" part must be a file: a part with a filename.'


def test_a_payload_of_the_wrong_type_reaches_the_handler_which_says_what_is_wrong(api):
    """The shape is right (known parameters), a value is not: the call is queued, and its result stream
    ends with the handler's message."""
    posted = api.post("call/v2/classify", json={"image": {"nested": [[[{}]]]}, "model": "cnn"})
    event, data = results(api, "classify", posted)
    assert event == "error" and "not an image that can be read" in data["error"]


SERVERS_FILE = {"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}}
QUEUED = [  # the shape is right, a value is not: the handler's refusal ends the result stream
    pytest.param("encode", {"drawing": [1, 2], "upload": None}, "A drawing is sent as a PNG data URL", id="a list for a drawing"),
    pytest.param("encode", {"drawing": None, "upload": SERVERS_FILE}, "was not uploaded by a user",
                 id="a file of the server's named by its path"),
    pytest.param("upload_checkpoint", {"files": ["not a file"]}, "takes a list of files", id="files that are words"),
    pytest.param("upload_checkpoint", {"files": [SERVERS_FILE, SERVERS_FILE]}, "was not uploaded by a user",
                 id="a checkpoint pair of the server's files"),
]


@pytest.mark.parametrize("endpoint, body, words", QUEUED)
def test_the_endpoints_a_fuzzer_cannot_read_refuse_bad_values_in_their_result(api, endpoint, body, words):
    """encode, interpolate and upload_checkpoint take files and drawings, whose schema schemathesis
    cannot read, so these bodies stand in for its cases."""
    event, data = results(api, endpoint, api.post(f"call/v2/{endpoint}", json=body))
    assert event == "error" and words in data["error"], data


def test_after_all_that_the_app_still_answers_a_proper_call(api, running_app):
    event, (seed, *_) = results(api, "new_seed", api.post("call/v2/new_seed", json={"model": "dcgan", "count": 1}))
    assert event == "complete" and isinstance(seed, int)
    every_value = ["dcgan", 1, 1.0, "any", "the CNN's reading"]  # the REST route takes all of them
    event, (seed, *_) = results(api, "new_seed", api.post("call/new_seed", json={"data": every_value}))
    assert event == "complete" and isinstance(seed, int)
    seed, _, reading = running_app.predict(api_name="/new_seed", model="dcgan", count=1)
    assert isinstance(seed, int) and "The CNN reads" in reading
