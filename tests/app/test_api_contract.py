"""The API contract, endpoint by endpoint: every public endpoint the running app lists serves good
values, and refuses bad ones (blank, None, huge, out of range, the wrong type, NaN and infinity,
lone surrogates in text) with a message a person can read; after every refusal the server still
serves. A new public endpoint without cases here fails `test_every_public_endpoint_is_covered`.

Calls go through Gradio's documented REST route (POST /gradio_api/call/<name>, then read the event
stream): it is twice as fast as gradio_client here, and it carries what gradio_client will not send
(its JSON layer refuses NaN, infinity and lone surrogates; the route takes JSON's NaN and "\\udcff"
escapes); files go up once through Gradio's upload route. gradio_client makes the calls that need the
caller's own session ("mine", training, uploading a checkpoint), the good-value calls, and a check that
it reads the same refusals as the route."""
import functools
import io
import json
import math
import re
import struct
import time
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Callable

import httpx
import numpy as np
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from genlab.core.checkpoint import CheckpointError
from genlab.families import ARCHITECTURES
from genlab.families.recipes import KNOBS
from genlab.models.loading import load_checkpoint
from tests.helpers import CHECKPOINTS, draw_like_a_person

SLIDERS = 16  # latent sliders of the VAE explorer, shown or not
ZEROS = (0.0,) * SLIDERS
NAN, INF = float("nan"), float("inf")
LONE = "\udcff"  # a lone surrogate: what a broken UTF-16 or a mis-decoded byte becomes in a str
MAX_SEED = 2**32 - 1
CHOICES = "not in the list of choices"
UNDER = "the CNN's reading"  # what the GAN grids show under each sample, the default

# ---------------------------------------------------------------------------------------------
# Calling the app


class Refused(Exception):
    """The app answered a call with an error; the exception's text is the message the caller sees."""


def sendable(value: Any) -> bool:
    """Whether gradio_client can send this value (its JSON layer refuses NaN, infinity and lone surrogates)."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, (list, tuple)):
        return all(sendable(v) for v in value)
    if isinstance(value, dict):
        return all(sendable(v) for v in value.values())
    return True


def call_raw(src: str, endpoint: str, args: tuple) -> Any:
    """One call through Gradio's REST route, with the arguments as Python's JSON writes them."""
    body = json.dumps({"data": list(args)})  # NaN -> NaN, "\udcff" -> "\\udcff": both reach the server
    with httpx.Client(timeout=120) as http:
        posted = http.post(f"{src}gradio_api/call{endpoint}", content=body,
                           headers={"Content-Type": "application/json"})
        if posted.status_code != 200:
            raise Refused(f"HTTP {posted.status_code}: {posted.text}")
        stream = http.get(f"{src}gradio_api/call{endpoint}/{posted.json()['event_id']}").text
    events = [dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
              for block in stream.split("\n\n") if block.strip()]
    last = [e for e in events if e.get("event") in ("complete", "error")][-1]
    data = json.loads(last["data"])
    if last["event"] == "error":
        raise Refused((data or {}).get("error") or "")
    return data


def as_client_gives(outputs: list) -> Any:
    """Outputs read from the REST route as gradio_client gives them: one output alone, several as a
    tuple, a file as its path (the server runs on this machine, so the path is readable here)."""
    def plain(value: Any) -> Any:
        if isinstance(value, dict) and value.get("meta", {}).get("_type") == "gradio.FileData":
            return value["path"]
        return [plain(v) for v in value] if isinstance(value, list) else value

    return plain(outputs[0]) if len(outputs) == 1 else tuple(plain(v) for v in outputs)


def call(client: Client, endpoint: str, args: tuple, rest: bool = False) -> Any:
    """The endpoint's outputs, or Refused with the message the caller would read. gradio_client makes
    the call unless the arguments are ones it cannot send, or `rest` asks for the (twice as fast) REST
    route: an anonymous caller (no 'mine' models), whose files are copies already on the server."""
    if rest or not sendable(args):
        return as_client_gives(call_raw(client.src, endpoint, args))
    try:
        return client.predict(*args, api_name=endpoint)
    except AppError as err:
        raise Refused(str(err)) from None


def refusal(client: Client, endpoint: str, args: tuple, rest: bool = False) -> str:
    """The message of a call that must be refused."""
    try:
        outputs = call(client, endpoint, args, rest)
    except Refused as err:
        return str(err)
    raise AssertionError(f"{endpoint} accepted {short(args)} and answered {short(outputs)}")


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 300 else text[:300] + "…"


# ---------------------------------------------------------------------------------------------
# Test files, named in the tables below and uploaded when a call is made


@dataclass(frozen=True)
class Upload:
    """A file to upload: one of the files this module makes, or 'checkpoints/<name>' (the app's own)."""

    name: str


def fake_png_size(width: int, height: int) -> bytes:
    """A valid 1x1 PNG whose header claims width x height pixels (nothing is big until decoded)."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1), 255).save(buffer, "PNG")
    png = bytearray(buffer.getvalue())
    png[16:24] = struct.pack(">II", width, height)  # IHDR's width and height...
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])))  # ...and its checksum
    return bytes(png)


class Files:
    """The test files, for gradio_client (to upload with each call) or for the REST route (a copy
    uploaded once through Gradio's upload route, named by its path on the server)."""

    def __init__(self, folder: Path, src: str):
        self.folder, self.src = folder, src
        self.on_server: dict[Path, str] = {}

    def path(self, upload: Upload) -> Path:
        if upload.name.startswith("checkpoints/"):
            return CHECKPOINTS / upload.name.split("/", 1)[1]
        return self.folder / upload.name

    def server_copy(self, path: Path) -> dict:
        if path not in self.on_server:
            answer = httpx.post(f"{self.src}gradio_api/upload", files=[("files", (path.name, path.read_bytes()))],
                                timeout=120)
            answer.raise_for_status()
            self.on_server[path] = answer.json()[0]
        return {"path": self.on_server[path], "orig_name": path.name, "meta": {"_type": "gradio.FileData"}}

    def resolve(self, value: Any, rest: bool) -> Any:
        """The arguments with every Upload replaced by what the chosen route sends."""
        if isinstance(value, Upload):
            return self.server_copy(self.path(value)) if rest else handle_file(str(self.path(value)))
        if isinstance(value, (list, tuple)):
            return type(value)(self.resolve(v, rest) for v in value)
        if isinstance(value, dict):
            return {k: self.resolve(v, rest) for k, v in value.items()}
        return value


@pytest.fixture(scope="module")
def files(tmp_path_factory, mnist_test, running_app) -> Files:
    folder = tmp_path_factory.mktemp("contract")
    Image.fromarray(draw_like_a_person(mnist_test.images[0, 0].numpy())).save(folder / "seven.png")  # a 7
    Image.new("L", (200, 200), 255).save(folder / "blank.png")
    (folder / "not_an_image.png").write_text("definitely not a PNG")
    (folder / "huge.png").write_bytes(fake_png_size(8000, 6000))  # 48 megapixels, over the app's cap
    (folder / "bomb.png").write_bytes(fake_png_size(50_000, 50_000))  # 2.5 gigapixels: PIL's bomb guard
    (folder / "latin1.txt").write_bytes(("Café crème, naïve façade. " * 60).encode("latin-1"))
    (folder / "garbage.safetensors").write_bytes(b"\x00not a checkpoint" * 10)
    huge = json.loads((CHECKPOINTS / "mlp.json").read_text())
    huge["config"]["hidden"] = [640_000]  # a few bytes asking for half a billion parameters
    (folder / "huge_mlp.json").write_text(json.dumps(huge))
    return Files(folder, running_app.src)


@cache
@functools.cache
def load_error(name: str) -> str | None:
    """Why a committed checkpoint does not load (None when it does)."""
    try:
        load_checkpoint(CHECKPOINTS / name)
    except CheckpointError as err:
        return str(err)
    return None


def require_checkpoint(name: str) -> None:
    if load_error(name):
        pytest.skip(f"needs the {name} checkpoint, which does not load here: {load_error(name)[:200]}")


# ---------------------------------------------------------------------------------------------
# Good values: one call per endpoint that must succeed, also used to show the server still serves


def picture_file(path: str) -> tuple[int, ...]:
    assert Path(path).is_file(), path
    return np.asarray(Image.open(path)).shape


def reads_a_seven(out) -> None:
    assert out[0]["label"] == "7" and "Read as **7**" in out[3]
    assert picture_file(out[1])[:2] == (224, 224)


def decodes(out) -> None:
    assert picture_file(out[0])[:2] == (224, 224) and "The CNN reads this as" in out[1]


def moves_the_sliders(out) -> None:
    assert any(v != 0 for v in out[:SLIDERS]) and "The CNN reads this as" in out[SLIDERS + 1]


def strip_and_gif(out) -> None:
    picture_file(out[0])
    assert Image.open(out[1]).format == "GIF"


def samples(count: int) -> Callable:
    def check(out) -> None:
        picture_file(out[-2])
        assert f"The CNN reads these {count} samples as" in out[-1]
    return check


def random_code(out) -> None:
    moves_the_sliders(out)
    assert out[-1] == 6, "the seed box moves on to the next seed"


def new_seed(out) -> None:
    assert isinstance(out[0], int) and 0 <= out[0] <= MAX_SEED
    samples(1)(out)


def writes(out) -> None:
    text, notice, choice = out
    assert text.startswith("To be") and len(text) == len("To be") + 3 and notice == "" and choice == ""


def looks_inside(out) -> None:
    candidates, surprise = out
    assert len(candidates["confidences"]) == 8 and surprise.count("<span") == len("To be")


def writes_lines(count: int) -> Callable:
    def check(out) -> None:
        html_list = out[0] if isinstance(out, tuple) else out
        assert html_list.count("<li>") == count, html_list
    return check


def rebuilds(out) -> None:
    best, draws, note = out
    assert best and draws.count("<li>") == 4 and "nats about this line" in note


def new_lines_seed(out) -> None:
    assert isinstance(out[0], int) and 0 <= out[0] <= MAX_SEED
    writes_lines(2)(out[1])


def compares_lines(count: int) -> Callable:
    def check(out) -> None:
        table, stored = out[-2:]
        assert table.count("<tr>") == count + 2 and "Character LSTM" in table and "nats/char" in table
        assert "distinct 4-grams" in stored
    return check


def nothing_to_stop(out) -> None:
    assert out == "There is no training run to stop."


def loads_my_classifier(out) -> None:
    assert out.startswith("Loaded your classifier (cnn,")


@dataclass(frozen=True)
class Good:
    args: tuple
    check: Callable
    needs: str | None = None  # a checkpoint the call needs


GOOD: dict[str, Good] = {
    "/classify": Good((Upload("seven.png"), "cnn"), reads_a_seven),
    "/decode": Good(("vae2d", 0.5, -0.5, *ZEROS[2:]), decodes),
    "/random_code": Good(("vae2d", 5), random_code),
    "/encode": Good(("vae2d", None, Upload("seven.png")), moves_the_sliders),
    "/interpolate": Good(("vae2d", "test digit", 0, "random", 3, 2, "linear", None, None, *ZEROS), strip_and_gif),
    "/sample": Good(("dcgan", 3, 1, 1.0, "any", UNDER), samples(1)),
    "/new_seed": Good(("dcgan", 1, 1.0, "any", "D's chance it is real"), new_seed),
    "/every_digit": Good(("cdcgan", 5, 1, 1.0, "D's chance it is real"), samples(10), needs="cdcgan"),
    "/interpolate_seeds": Good(("dcgan", 1, 2, 2, "linear", "any"), strip_and_gif),
    "/walk_sample": Good(("dcgan", 3, 4, "any", 2, 5, 0.5, 0.8), decodes),
    "/generate": Good(("To be", "lstm", 0.8, 0, 1.0, 3, 1, False, "fast"), writes),
    "/look_inside": Good(("To be", "lstm"), looks_inside),
    "/walk_lines": Good(("textvae", "I will go.", "What say you?", 3, False), writes_lines(3)),
    "/rebuild_line": Good(("textvae", "Now is the winter", 0), rebuilds),
    "/prior_lines": Good(("textvae", 2, 0.0, 1), writes_lines(2)),
    "/new_lines_seed": Good(("textvae", 2, 0.5), new_lines_seed),
    "/sample_text_gan": Good(("textgan", 2, 1.0, 1), compares_lines(2)),
    "/new_text_gan_seed": Good(("textgan", 2, 1.0), compares_lines(2)),
    "/stop_training": Good((), nothing_to_stop),
    "/upload_checkpoint": Good(([Upload("checkpoints/cnn.safetensors"), Upload("checkpoints/cnn.json")],),
                               loads_my_classifier),
}
GOOD_ELSEWHERE = {"/train": "test_a_run_starts_and_stop_ends_it",  # a good run costs seconds; one is enough
                  "/compare": "test_live.py::test_two_gan_recipes_compared_side_by_side",
                  "/score_generated": "test_live.py::test_a_cnn_learns_from_generated_digits_and_stop_keeps_both_results"}
SERVES_AFTER = {"/train": "/stop_training", "/compare": "/stop_training", "/score_generated": "/stop_training"}  # the good call that shows the server still serves, where not its own
INSTEAD = {"/every_digit": "/sample"}  # ...and where its own needs a checkpoint that does not load here
UPLOADS = "/upload_checkpoint"  # its good call gives the caller a model of their own: called by its own client
NEWCOMER = {"/train", "/compare", "/score_generated", "/stop_training"}  # a caller who has never trained nor uploaded anything


def anonymous(endpoint: str) -> bool:
    """Whether a call may go the (anonymous) REST route: it does not depend on who the caller is."""
    return endpoint not in NEWCOMER and endpoint != UPLOADS


def still_serves(client: Client, endpoint: str, files: Files) -> None:
    """The endpoint's good call (or the one SERVES_AFTER or INSTEAD names) still succeeds for this caller."""
    good_endpoint = SERVES_AFTER.get(endpoint, endpoint)
    if GOOD[good_endpoint].needs and load_error(GOOD[good_endpoint].needs):
        good_endpoint = INSTEAD[good_endpoint]
    good = GOOD[good_endpoint]
    rest = anonymous(good_endpoint)
    good.check(call(client, good_endpoint, files.resolve(good.args, rest), rest))


# ---------------------------------------------------------------------------------------------
# Bad values: (endpoint, arguments, words the message must contain)


def knobs(name: str, **changes) -> list:
    """The recipe's defaults in API order (another recipe's default for a knob it ignores), some changed."""
    recipes = [a.recipe for a in ARCHITECTURES.values()]
    fallback = {key: next(r.knobs[key].default for r in recipes if key in r.knobs) for key in KNOBS}
    recipe = ARCHITECTURES[name].recipe
    values = {key: recipe.knobs[key].default if key in recipe.knobs else fallback[key] for key in KNOBS}
    values.update(changes)
    return [values[key] for key in KNOBS]


def train(name: str, text_source: str = "tiny-shakespeare", text: str = "", text_file=None, **changes) -> tuple:
    return (name, *knobs(name, **changes), text_source, text, text_file)


def compare(name: str, b: str, a: str = "", **changes) -> tuple:
    return (name, *knobs(name, **changes), a, b)


def case(endpoint: str, args: tuple, words: str, what: str, mine: bool = False, needs: str | None = None):
    return pytest.param(endpoint, args, words, mine, needs, id=f"{endpoint[1:]}: {what}")


def mine(endpoint: str, args: tuple, family: str):
    return case(endpoint, args, f"You have no {family} of your own yet", "'mine' before I have one", mine=True)


VAE_ARGS = ("vae2d", "test digit", 0, "test digit", 1, 4, "linear", None, None)  # /interpolate, sliders after
TEXT = ("To be", "lstm", 0.8, 0, 1.0, 3, 1, False, "fast")  # prompt, model, temperature, top-k, top-p, length, seed, greedy, pace
SHAKESPEARE_LINES = "To be, or not to be, that is the question:\nWhether 'tis nobler in the mind to suffer\n" * 15


def generate(**changes) -> tuple:
    names = ("prompt", "name", "temperature", "top_k", "top_p", "length", "seed", "greedy", "pace")
    values = dict(zip(names, TEXT))
    values.update(changes)
    return tuple(values[n] for n in names)


def interpolate(*, sliders=ZEROS, **changes) -> tuple:
    names = ("name", "source_a", "number_a", "source_b", "number_b", "frames", "path", "drawing", "upload")
    values = dict(zip(names, VAE_ARGS))
    values.update(changes)
    return (*(values[n] for n in names), *sliders)


BAD = [
    # /classify: image_path, model_name
    case("/classify", (None, "cnn"), "No image was given", "no image"),
    case("/classify", (Upload("blank.png"), "cnn"), "blank", "a blank picture"),
    case("/classify", (Upload("not_an_image.png"), "cnn"), "not an image that can be read", "text named .png"),
    case("/classify", (Upload("huge.png"), "cnn"), "8000x6000 pixels, over the 40-megapixel cap", "48 megapixels"),
    case("/classify", (Upload("bomb.png"), "cnn"), "megapixel cap", "2.5 gigapixels"),
    case("/classify", (123, "cnn"), r"'...or upload an image' takes an image file .*got 123", "a number for the image"),
    case("/classify", ({"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}}, "cnn"),
         "Cannot move /etc/passwd .* not uploaded by a user", "a path on the server that was never uploaded"),
    case("/classify", ({"path": "http://127.0.0.1:1/seven.png", "meta": {"_type": "gradio.FileData"}}, "cnn"),
         "Hostname 127.0.0.1 failed validation", "a URL on the server's own network"),
    case("/classify", (Upload("seven.png"), "resnet"), CHOICES, "unknown model"),
    case("/classify", (Upload("seven.png"), None), "There is no model named None", "model None"),
    case("/classify", (None, LONE), CHOICES, "lone surrogate for the model"),
    mine("/classify", (Upload("seven.png"), "mine"), "classifier"),
    # /decode: name, 16 latent values
    case("/decode", ("dcgan", *ZEROS), CHOICES, "a GAN for the VAE"),
    case("/decode", (None, *ZEROS), "There is no model named None", "model None"),
    case("/decode", (LONE, *ZEROS), CHOICES, "lone surrogate for the model"),
    case("/decode", ("vae2d", 1e308, *ZEROS[1:]), "greater than maximum value 3", "huge"),
    case("/decode", ("vae2d", NAN, *ZEROS[1:]), "must be a number from -3 to 3", "NaN"),
    case("/decode", ("vae2d", INF, *ZEROS[1:]), "must be a number from -3 to 3", "infinity"),
    case("/decode", ("vae2d", None, *ZEROS[1:]), "must be a number", "None"),
    case("/decode", ("vae2d", "abc", *ZEROS[1:]), "must be a number", "text"),
    mine("/decode", ("mine", *ZEROS), "VAE"),
    # /random_code: name, seed
    case("/random_code", ("vae2d", -5), "less than minimum value 0", "negative seed"),
    case("/random_code", ("vae2d", 2**40), f"greater than maximum value {MAX_SEED}", "huge seed"),
    case("/random_code", ("vae2d", None), "Seed' must be a whole number from 0 to 4294967295", "seed None"),
    case("/random_code", ("vae2d", NAN), "(?i)seed", "seed NaN"),
    case("/random_code", ("vae2d", "abc"), "(?i)seed", "text seed"),
    case("/random_code", ("mlp", 5), CHOICES, "a classifier for the VAE"),
    mine("/random_code", ("mine", 5), "VAE"),
    # /encode: name, drawing (a PNG data URL, as the page's pad sends it), upload
    case("/encode", ("vae2d", None, None), r"Draw a digit \(or upload one\)", "nothing drawn or uploaded"),
    case("/encode", ("vae2d", "", None), r"Draw a digit \(or upload one\)", "an empty drawing"),
    case("/encode", ("vae2d", None, Upload("blank.png")), "blank", "a blank picture"),
    case("/encode", ("vae2d", None, Upload("not_an_image.png")), "not an image that can be read", "text named .png"),
    case("/encode", ("vae2d", "abc", None), "A drawing is sent as a PNG data URL", "text for the drawing"),
    case("/encode", ("vae2d", {"layers": 5}, None), "A drawing is sent as a PNG data URL", "a dict for the drawing"),
    case("/encode", ("vae2d", "data:image/png;base64,aGVsbG8=", None), "not an image that can be read",
         "a data URL of text"),
    case("/encode", ("vae2d", "data:image/png;base64,not base64!", None), "A drawing is sent as a PNG data URL",
         "a data URL that is not base64"),
    case("/encode", ("vae2d", "data:image/png;base64," + "A" * 2_000_000, None), "over 2 MB", "a 2 MB drawing"),
    case("/encode", (LONE, None, None), CHOICES, "lone surrogate for the model"),
    mine("/encode", ("mine", None, Upload("seven.png")), "VAE"),
    # /interpolate: name, source_a, number_a, source_b, number_b, frames, path, drawing, upload, 16 sliders
    case("/interpolate", interpolate(frames=500), "greater than maximum value 64", "500 frames"),
    case("/interpolate", interpolate(frames=NAN), "Frames' must be a number from 2 to 64", "NaN frames"),
    case("/interpolate", interpolate(frames=None), "must be a number", "frames None"),
    case("/interpolate", interpolate(number_a=10_000), "Test digit numbers run from 0 to 9999", "test digit 10000"),
    case("/interpolate", interpolate(number_a=None), "Test digit number or seed. must be a whole number",
         "test digit None"),
    case("/interpolate", interpolate(number_a=NAN), "Test digit number", "test digit NaN"),
    case("/interpolate", interpolate(source_a="random", number_a=-1), "A seed is a whole number", "seed -1"),
    case("/interpolate", interpolate(source_a="my drawing"), r"Draw a digit \(or upload one\)", "no drawing"),
    case("/interpolate", interpolate(source_a="current sliders", sliders=(NAN, *ZEROS[1:])),
         "must be a number from -3 to 3", "NaN slider"),
    case("/interpolate", interpolate(source_b=LONE), CHOICES, "lone surrogate for the source"),
    mine("/interpolate", interpolate(name="mine"), "VAE"),
    # /sample: name, seed, count, truncation, digit, under
    case("/sample", ("dcgan", 3, 65, 1.0, "any", UNDER), "greater than maximum value 64", "65 samples"),
    case("/sample", ("dcgan", 3, NAN, 1.0, "any", UNDER), "Samples' must be a number from 1 to 64", "NaN count"),
    case("/sample", ("dcgan", 3, None, 1.0, "any", UNDER), "must be a number", "count None"),
    case("/sample", ("dcgan", -1, 4, 1.0, "any", UNDER), "less than minimum value 0", "negative seed"),
    case("/sample", ("dcgan", None, 4, 1.0, "any", UNDER), "Seed' must be a whole number from 0 to 4294967295", "seed None"),
    case("/sample", ("dcgan", NAN, 4, 1.0, "any", UNDER), "(?i)seed", "seed NaN"),
    case("/sample", ("dcgan", 3, 4, NAN, "any", UNDER), "Truncation \\(1 = none\\)' must be a number from 0 to 1", "NaN truncation"),
    case("/sample", ("dcgan", 3, 4, 1.0, LONE, UNDER), CHOICES, "lone surrogate for the digit"),
    case("/sample", ("vae", 3, 4, 1.0, "any", UNDER), CHOICES, "a VAE for the GAN"),
    case("/sample", ("dcgan", 3, 4, 1.0, "any", "its beauty"), CHOICES, "an unknown caption"),
    mine("/sample", ("mine", 3, 4, 1.0, "any", UNDER), "GAN"),
    # /new_seed: name, count, truncation, digit, under
    case("/new_seed", ("dcgan", 100, 1.0, "any", UNDER), "greater than maximum value 64", "100 samples"),
    case("/new_seed", ("dcgan", 4, -0.5, "any", UNDER), "less than minimum value 0", "negative truncation"),
    case("/new_seed", ("dcgan", 4, NAN, "any", UNDER), "Truncation \\(1 = none\\)' must be a number from 0 to 1", "NaN truncation"),
    case("/new_seed", ("dcgan", "abc", 1.0, "any", UNDER), "must be a number", "text count"),
    case("/new_seed", ("dcgan", 4, 1.0, "x", UNDER), CHOICES, "unknown digit"),
    mine("/new_seed", ("mine", 4, 1.0, "any", UNDER), "GAN"),
    # /every_digit: name, seed, rows, truncation, under
    case("/every_digit", ("dcgan", 3, 2, 1.0, UNDER), "Only the conditional GAN takes a digit", "an unconditional GAN"),
    case("/every_digit", ("cdcgan", 3, 9, 1.0, UNDER), "greater than maximum value 8", "9 rows"),
    case("/every_digit", ("cdcgan", 3, 2, 2.0, UNDER), "greater than maximum value 1", "truncation 2"),
    case("/every_digit", ("cdcgan", 3, NAN, 1.0, UNDER), "Rows of noise. must be a number from 1 to 8", "NaN rows", needs="cdcgan"),
    case("/every_digit", (LONE, 3, 2, 1.0, UNDER), CHOICES, "lone surrogate for the model"),
    case("/every_digit", ("cdcgan", 3, 2, 1.0, LONE), CHOICES, "lone surrogate for the caption"),
    mine("/every_digit", ("mine", 3, 2, 1.0, UNDER), "GAN"),
    # /interpolate_seeds: name, seed_a, seed_b, frames, path, digit
    case("/interpolate_seeds", ("dcgan", 1, 2, 500, "linear", "any"), "greater than maximum value 64", "500 frames"),
    case("/interpolate_seeds", ("dcgan", 1, 2, NAN, "linear", "any"), "Frames. must be a number from 2 to 64",
         "NaN frames"),
    case("/interpolate_seeds", ("dcgan", -1, 2, 4, "linear", "any"), "less than minimum value 0", "negative seed"),
    case("/interpolate_seeds", ("dcgan", 1, 2**33, 4, "linear", "any"), f"greater than maximum value {MAX_SEED}",
         "huge seed"),
    case("/interpolate_seeds", ("dcgan", None, 2, 4, "linear", "any"), "Seed A' must be a whole number from 0 to 4294967295",
         "seed None"),
    case("/interpolate_seeds", ("dcgan", NAN, 2, 4, "linear", "any"), "Seed A", "seed NaN"),
    case("/interpolate_seeds", ("dcgan", 1, 2, 4, "curved", "any"), CHOICES, "unknown path"),
    mine("/interpolate_seeds", ("mine", 1, 2, 4, "linear", "any"), "GAN"),
    # /walk_sample: model, seed, count, digit, sample, seed_b, walk, truncation
    case("/walk_sample", ("dcgan", 3, 4, "any", 9, 5, 0.5, 1.0), "The sample to walk must be a number from 1 to 4",
         "a sample beyond the grid"),
    case("/walk_sample", ("dcgan", 3, 4, "any", 2, 5, 1.5, 1.0), "greater than maximum value 1", "walk 1.5"),
    case("/walk_sample", ("dcgan", 3, 4, "any", 2, 5, NAN, 1.0), "Walk toward that seed' must be a number from 0 to 1",
         "NaN walk"),
    case("/walk_sample", ("dcgan", 3, 4, "any", 2, 5, 0.5, -1.0), "less than minimum value 0", "negative truncation"),
    case("/walk_sample", ("dcgan", 3, 4, "x", 2, 5, 0.5, 1.0), CHOICES, "unknown digit"),
    case("/walk_sample", ("vae", 3, 4, "any", 2, 5, 0.5, 1.0), CHOICES, "a VAE for the GAN"),
    mine("/walk_sample", ("mine", 3, 4, "any", 2, 5, 0.5, 1.0), "GAN"),
    # /generate: prompt, name, temperature, top_k, top_p, length, seed, greedy, pace
    case("/generate", generate(pace="sprint"), CHOICES, "an unknown pace"),
    case("/generate", generate(temperature=3.0), "greater than maximum value 2", "temperature 3"),
    case("/generate", generate(temperature=NAN), "Temperature' must be a number from 0.05 to 2", "NaN temperature"),
    case("/generate", generate(top_k=2.5), "top-k must be a whole number", "top-k 2.5"),
    case("/generate", generate(top_p=0.0), "less than minimum value 0.05", "top-p 0"),
    case("/generate", generate(top_p=NAN), "Top-p \\(nucleus\\)' must be a number from 0.05 to 1", "NaN top-p"),
    case("/generate", generate(length=5000), "greater than maximum value 2000", "5000 characters"),
    case("/generate", generate(length=NAN), "Characters to write' must be a number from 1 to 2000", "NaN length"),
    case("/generate", generate(length=None), "must be a number", "length None"),
    case("/generate", generate(seed=None), "Seed' must be a whole number", "seed None"),
    case("/generate", generate(seed=2**70), "greater than maximum value 4294967295", "seed 2**70"),
    case("/generate", generate(seed=NAN), "(?i)seed", "seed NaN"),
    case("/generate", generate(prompt="x" * 4001), "4,001 characters; the cap is 4,000", "a 4001-character prompt"),
    case("/generate", generate(name=LONE), CHOICES, "lone surrogate for the model"),
    mine("/generate", generate(name="mine"), "character LSTM"),
    # /look_inside: prompt, name
    case("/look_inside", ("x" * 4001, "lstm"), "4,001 characters; the cap is 4,000", "a 4001-character prompt"),
    case("/look_inside", ("To be", "gpt"), CHOICES, "unknown model"),
    case("/look_inside", ("To be", None), "There is no model named None", "model None"),
    mine("/look_inside", ("To be", "mine"), "character LSTM"),
    # /walk_lines: name, first, second, steps, spherical
    case("/walk_lines", ("textvae", "", "What say you?", 3, False), "The first line is empty", "a blank line"),
    case("/walk_lines", ("textvae", "I will go.", "\u4e2d\u6587", 3, False), "The second line is empty",
         "only characters the model does not know"),
    case("/walk_lines", ("textvae", "x" * 81, "What say you?", 3, False), "81 characters; the model reads lines of up to 80",
         "an 81-character line"),
    case("/walk_lines", ("textvae", None, "What say you?", 3, False), "must be text", "None for a line"),
    case("/walk_lines", ("textvae", "I will go.", "What say you?", 17, False), "greater than maximum value 16",
         "17 steps"),
    case("/walk_lines", ("textvae", "I will go.", "What say you?", NAN, False), "Steps' must be a number from 3 to 16",
         "NaN steps"),
    case("/walk_lines", ("lstm", "I will go.", "What say you?", 3, False), CHOICES, "an LSTM for the VAE"),
    mine("/walk_lines", ("mine", "I will go.", "What say you?", 3, False), "sentence VAE"),
    # /rebuild_line: name, line, seed
    case("/rebuild_line", ("textvae", "   ", 0), "The line is empty", "spaces only"),
    case("/rebuild_line", ("textvae", "To be" + LONE * 100, 0), "characters; the model reads lines of up to 80",
         "lone surrogates past the cap"),
    case("/rebuild_line", ("textvae", "To be", -1), "less than minimum value 0", "negative seed"),
    case("/rebuild_line", ("textvae", "To be", NAN), "(?i)seed", "NaN seed"),
    mine("/rebuild_line", ("mine", "To be", 0), "sentence VAE"),
    # /prior_lines: name, count, temperature, seed
    case("/prior_lines", ("textvae", 33, 0.0, 1), "greater than maximum value 32", "33 lines"),
    case("/prior_lines", ("textvae", 2, NAN, 1), r"Temperature \(0: greedy\)' must be a number from 0 to 1.5",
         "NaN temperature"),
    case("/prior_lines", ("textvae", 2, 0.0, None), "Seed' must be a whole number", "seed None"),
    mine("/prior_lines", ("mine", 2, 0.0, 1), "sentence VAE"),
    # /new_lines_seed: name, count, temperature
    case("/new_lines_seed", ("textvae", 0, 0.0), "less than minimum value 1", "no lines"),
    case("/new_lines_seed", ("textvae", 2, 2.0), "greater than maximum value 1.5", "temperature 2"),
    mine("/new_lines_seed", ("mine", 2, 0.0), "sentence VAE"),
    # /sample_text_gan: name, count, temperature, seed
    case("/sample_text_gan", ("textgan", 100, 1.0, 1), "greater than maximum value 32", "100 lines"),
    case("/sample_text_gan", ("textgan", 2, 0.0, 1), "less than minimum value 0.1", "temperature 0"),
    case("/sample_text_gan", ("textgan", 2, INF, 1), "Temperature .*must be a number from 0.1 to 2", "infinite temperature"),
    case("/sample_text_gan", ("textgan", 2, 1.0, 2**40), f"greater than maximum value {MAX_SEED}", "huge seed"),
    case("/sample_text_gan", ("textvae", 2, 1.0, 1), CHOICES, "the VAE for the GAN"),
    mine("/sample_text_gan", ("mine", 2, 1.0, 1), "text GAN"),
    # /new_text_gan_seed: name, count, temperature
    case("/new_text_gan_seed", ("textgan", "abc", 1.0), "must be a number", "text count"),
    mine("/new_text_gan_seed", ("mine", 2, 1.0), "text GAN"),
    # /train: architecture, epochs, lr, batch_size, width, latent, beta, max_seconds, text_source, text, text_file
    case("/train", (LONE, *train("cnn")[1:]), CHOICES, "lone surrogate for the architecture"),
    case("/train", train("cnn", lr=0.5), "Learning rate' must be from 1e-05 to 0.05", "learning rate 0.5"),
    case("/train", train("cnn", max_seconds=10_000), "Time limit \\(seconds\\)' must be from 5 to 600", "a 10000 s limit"),
    case("/train", train("vae", width=8), "Hidden units must be from 32", "too narrow for this architecture"),
    case("/train", train("cnn", epochs=NAN), r"Epochs \(passes over the training data\). must be a number",
         "NaN epochs"),
    case("/train", train("cnn", epochs=None), "must be a number", "epochs None"),
    case("/train", train("lstm", "their text"), CHOICES, "unknown text source"),
    case("/train", train("lstm", "my text", ""), "Paste some text or upload a UTF-8 .txt file", "no text"),
    case("/train", train("lstm", "my text", "too short"), "9 characters; training needs at least 1000", "short text"),
    case("/train", train("lstm", "my text", "ab" * 2_600_000), "5,200,000 characters; the cap is 5,000,000",
         "5.2 million characters"),
    case("/train", train("lstm", "my text", "", Upload("latin1.txt")), "not UTF-8", "a Latin-1 file"),
    case("/train", train("lstm", "my text", SHAKESPEARE_LINES.replace("question", "question" + LONE)),
         "not valid Unicode", "lone surrogate in the text"),
    case("/train", train("lstm", "my text", "", "abc"), "upload a .txt file' takes a file .*got 'abc'", "text for the file"),
    case("/train", train("textvae", "my text", "word " * 300), "no line breaks", "a text without lines"),
    case("/train", train("textvae", "my text", "A short line here.\n" * 30 + "x" * 1000),
         "training needs at least 101", "too few lines for a line model"),
    case("/train", train("textvae", latent=100), "Latent dimensions must be from 2 to 64", "100 latent dimensions"),
    case("/train", train("textgan", width=4), "Hidden units must be from 32", "4 hidden units"),
    case("/train", train("dcgan", d_steps=9), "Discriminator updates per generator update' must be from 1 to 5",
         "9 discriminator steps"),
    case("/train", train("mlpgan", leak=-1), "LeakyReLU slope \\(0 = ReLU\\)' must be from 0", "a negative slope"),
    # /compare: architecture, the knobs as /train has them, recipe A's changes, recipe B's changes
    case("/compare", (LONE, *compare("dcgan", "d_steps=2")[1:]), CHOICES, "lone surrogate for the architecture"),
    case("/compare", compare("dcgan", ""), "Recipes A and B are the same", "no change"),
    case("/compare", compare("dcgan", "d_steps=2", "d_steps=2"), "Recipes A and B are the same", "the same change"),
    case("/compare", compare("dcgan", "d_steps=9"), "Discriminator updates per generator update must be from 1 to 5",
         "out of range"),
    case("/compare", compare("dcgan", "beta=2"), "The DCGAN has no knob 'beta'; it reads epochs", "a knob it lacks"),
    case("/compare", compare("cnn", "d_steps=2"), "has no knob 'd_steps'", "a GAN knob for the CNN"),
    case("/compare", compare("dcgan", "max_seconds=600"), "Both recipes train with the same time limit",
         "a longer time for one"),
    case("/compare", compare("dcgan", "lr=fast"), "Learning rate must be a number; got 'fast'", "text for a number"),
    case("/compare", compare("dcgan", "lr=nan"), "Learning rate must be a number from", "NaN"),
    case("/compare", compare("dcgan", "d_steps 2"), "Write each change as knob=value", "no equals sign"),
    case("/compare", compare("dcgan", "d_steps=2" + LONE), "must be a number", "lone surrogate in a change"),
    case("/compare", compare("dcgan", "lr=0.001 " * 100), "write at most 400", "a huge text"),
    case("/compare", compare("dcgan", None), "Recipes A and B are the same", "None for recipe B"),
    case("/compare", compare("dcgan", "d_steps=2", lr=0.5), "Learning rate' must be from 1e-05 to 0.05",
         "a bad shared knob"),
    # /score_generated: the GAN that draws the digits, which comparison
    case("/score_generated", ("dcgan", "generated"), CHOICES, "an unconditional GAN"),
    case("/score_generated", (LONE, "generated"), CHOICES, "lone surrogate for the GAN"),
    case("/score_generated", (None, "generated"), "Choose the GAN that draws the digits: 'cdcgan' or 'mine'; got None",
         "GAN None"),
    case("/score_generated", ("cdcgan", "everything"), CHOICES, "unknown comparison"),
    case("/score_generated", ("cdcgan", None), "Choose what to compare: 'generated' or 'mixed'; got None",
         "comparison None"),
    mine("/score_generated", ("mine", "generated"), "GAN"),
    # /upload_checkpoint: paths
    case("/upload_checkpoint", (None,), "Choose the two files of a checkpoint", "no files"),
    case("/upload_checkpoint", ([Upload("checkpoints/cnn.json")],), "Upload two files together", "one file"),
    case("/upload_checkpoint", ([Upload("checkpoints/cnn.safetensors"), Upload("checkpoints/cnn.json"),
                                 Upload("checkpoints/mlp.json")],), "Upload two files together", "three files"),
    case("/upload_checkpoint", ([Upload("garbage.safetensors"), Upload("checkpoints/cnn.json")],),
         "not a readable safetensors file", "garbage weights"),
    case("/upload_checkpoint", ([Upload("checkpoints/cnn.safetensors"), Upload("checkpoints/vae2d.json")],),
         "tensors do not match the architecture", "weights and metadata of different models"),
    case("/upload_checkpoint", ([Upload("not_an_image.png"), Upload("checkpoints/cnn.json")],),
         "Invalid file type", "a file of another type"),
    case("/upload_checkpoint", ([Upload("checkpoints/mlp.safetensors"), Upload("huge_mlp.json")],),
         r"parameters; the app loads up to [\d,]+ \(4x the largest the Train tab makes\)", "a config for a huge model"),
    case("/upload_checkpoint", ("abc",), "takes a list of files", "text for the files"),
    case("/upload_checkpoint", ([7, 8],), "takes a list of files", "numbers for the files"),
]


# ---------------------------------------------------------------------------------------------
# The tests


def public_endpoints(client: Client) -> dict[str, dict]:
    return client.view_api(print_info=False, return_format="dict")["named_endpoints"]


def test_every_public_endpoint_is_covered(running_app):
    endpoints = public_endpoints(running_app)
    with_inputs = {name for name, info in endpoints.items() if info["parameters"]}
    assert set(endpoints) == set(GOOD) | set(GOOD_ELSEWHERE), "every endpoint has a good call"
    assert with_inputs == {param.values[0] for param in BAD}, "every endpoint with inputs has bad values"
    for name, good in GOOD.items():
        assert len(good.args) == len(endpoints[name]["parameters"]), f"{name}'s good call names every input"


def test_every_parameter_is_named_for_what_it_holds(running_app):
    """view_api reads as documentation: no endpoint lists a parameter Gradio had to number."""
    for name, info in public_endpoints(running_app).items():
        unnamed = [p["parameter_name"] for p in info["parameters"] if re.fullmatch(r"param_\d+", p["parameter_name"])]
        assert not unnamed, f"{name} has unnamed parameters {unnamed}"
    decode = [p["parameter_name"] for p in public_endpoints(running_app)["/decode"]["parameters"]]
    assert decode == ["model", *(f"z{i}" for i in range(1, SLIDERS + 1))]


@pytest.fixture(scope="module")
def newcomer(running_app) -> Client:
    """A caller with no model of their own and no training run: calls that must not give them one use it."""
    return Client(running_app.src, verbose=False)


@pytest.fixture(scope="module")
def uploader(running_app) -> Client:
    """The caller of /upload_checkpoint (whose good call gives them a classifier of their own)."""
    return Client(running_app.src, verbose=False)


def client_for(endpoint: str, mine: bool, running_app: Client, newcomer: Client, uploader: Client) -> Client:
    if endpoint == UPLOADS:
        return uploader
    return newcomer if mine or endpoint in NEWCOMER else running_app


@pytest.mark.parametrize("endpoint", sorted(GOOD))
def test_good_values_are_served(running_app, newcomer, uploader, files, endpoint):
    good = GOOD[endpoint]
    if good.needs:
        require_checkpoint(good.needs)
    client = client_for(endpoint, False, running_app, newcomer, uploader)
    good.check(call(client, endpoint, files.resolve(good.args, rest=False)))


BAD_BY_ENDPOINT: dict[str, list] = {}
for bad in BAD:
    BAD_BY_ENDPOINT.setdefault(bad.values[0], []).append(bad)


@pytest.mark.parametrize("endpoint", sorted(BAD_BY_ENDPOINT))
def test_bad_values_are_refused_readably_and_the_server_still_serves(running_app, newcomer, uploader, files, endpoint):
    """Each bad value the endpoint is sent is refused with a message that says what is wrong (no stack
    text); after them all, its good call still succeeds for every caller that sent them."""
    unreadable, callers = [], {}
    for bad in BAD_BY_ENDPOINT[endpoint]:
        _, args, words, mine, needs = bad.values
        if needs and load_error(needs):
            continue  # a checkpoint that does not load here: its cases cannot be made
        client = client_for(endpoint, mine, running_app, newcomer, uploader)
        callers[id(client)] = client
        rest = not mine and anonymous(endpoint)
        args = files.resolve(args, rest)
        message = refusal(client, endpoint, args, rest)
        if not re.search(words, message) or "Traceback" in message or len(message) >= 1000:
            unreadable.append(f"{bad.id}: the message {message or '(none at all)'!r} does not say {words!r}")
    if not callers:
        pytest.skip(f"every bad case of {endpoint} needs a checkpoint that does not load here")
    for client in callers.values():
        still_serves(client, endpoint, files)
    assert not unreadable, "\n".join(unreadable)


SAME_BOTH_WAYS = [  # refusals from each layer: the app's checks, Gradio's ranges and choices, the app's own names
    ("/decode", ("dcgan", *ZEROS)),
    ("/random_code", ("vae2d", None)),
    ("/sample", ("dcgan", 3, 65, 1.0, "any", UNDER)),
    ("/generate", generate(top_k=2.5)),
    ("/interpolate", interpolate(number_a=10_000)),
    ("/look_inside", ("To be", None)),
]


def test_gradio_client_reads_the_same_refusals_as_the_rest_route(running_app):
    """Most refusals above are read through the REST route (twice as fast); gradio_client reads the same words."""
    for endpoint, args in SAME_BOTH_WAYS:
        assert refusal(running_app, endpoint, args) == refusal(running_app, endpoint, args, rest=True)


def test_lone_surrogates_in_a_prompt_are_named_not_a_crash(running_app):
    """A prompt's characters the model does not know are left out and named, lone surrogates too."""
    text, notice, _ = call(running_app, "/generate", generate(prompt="To be" + LONE + "\ud800", length=3))
    assert text.startswith("To be") and len(text) == len("To be") + 3
    assert r"'\ud800', '\udcff'" in notice and "Left out 2 character(s)" in notice
    candidates, surprise = call(running_app, "/look_inside", ("To be" + LONE, "lstm"))
    assert len(candidates["confidences"]) == 8 and surprise.count("<span") == len("To be")


def test_an_upload_over_the_size_cap_is_refused_by_the_server(running_app, files, tmp_path):
    """The server itself (not only gradio_client, which checks first) refuses files over 20 MB."""
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG" + bytes(21 * 1024 * 1024))
    with big.open("rb") as handle:
        answer = httpx.post(f"{running_app.src}gradio_api/upload", files=[("files", ("big.png", handle, "image/png"))],
                            timeout=120)
    assert answer.status_code == 413
    assert "File size exceeded maximum allowed size of 20971520 bytes" in answer.text
    with pytest.raises(ValueError, match="exceeds the maximum file size"):
        running_app.predict(handle_file(str(big)), "cnn", api_name="/classify")
    still_serves(running_app, "/classify", files)


def test_my_own_models_serve_every_endpoint_once_uploaded(running_app, files):
    """'mine' is a good value once the caller has a model of that family: upload the committed ones (the
    16-D VAE: a 2-D one of your own costs seconds to map the test set the first time)."""
    me = Client(running_app.src, verbose=False)
    for name, family in (("cnn", "classifier"), ("vae", "VAE"), ("dcgan", "GAN"), ("lstm", "character LSTM"),
                         ("textvae", "sentence VAE"), ("textgan", "text GAN")):
        pair = [Upload(f"checkpoints/{name}.safetensors"), Upload(f"checkpoints/{name}.json")]
        assert call(me, "/upload_checkpoint", (files.resolve(pair, rest=False),)).startswith(f"Loaded your {family} (")
    seven = files.resolve(Upload("seven.png"), rest=False)
    reads_a_seven(call(me, "/classify", (seven, "mine")))
    decodes(call(me, "/decode", ("mine", 0.5, -0.5, *ZEROS[2:])))
    random_code(call(me, "/random_code", ("mine", 5)))
    moves_the_sliders(call(me, "/encode", ("mine", None, seven)))
    strip_and_gif(call(me, "/interpolate", interpolate(name="mine", frames=2)))
    samples(1)(call(me, "/sample", ("mine", 3, 1, 1.0, "any")))
    new_seed(call(me, "/new_seed", ("mine", 1, 1.0, "any")))
    strip_and_gif(call(me, "/interpolate_seeds", ("mine", 1, 2, 2, "linear", "any")))
    decodes(call(me, "/walk_sample", ("mine", 3, 4, "any", 2, 5, 0.5, 0.8)))
    writes(call(me, "/generate", generate(name="mine")))
    looks_inside(call(me, "/look_inside", ("To be", "mine")))
    writes_lines(3)(call(me, "/walk_lines", ("mine", "I will go.", "What say you?", 3, False)))
    rebuilds(call(me, "/rebuild_line", ("mine", "Now is the winter", 0)))
    writes_lines(2)(call(me, "/prior_lines", ("mine", 2, 0.0, 1)))
    new_lines_seed(call(me, "/new_lines_seed", ("mine", 2, 0.5)))
    compares_lines(2)(call(me, "/sample_text_gan", ("mine", 2, 1.0, 1)))
    compares_lines(2)(call(me, "/new_text_gan_seed", ("mine", 2, 1.0)))
    assert "Only the conditional GAN" in refusal(me, "/every_digit", ("mine", 3, 2, 1.0)), "my GAN is the DCGAN"
    stranger = Client(running_app.src, verbose=False)
    assert "no classifier of your own" in refusal(stranger, "/classify", (seven, "mine")), "mine is mine alone"


def progress_of(update) -> str:
    """The words of a /train update's progress line."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", update[0])).strip()


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"still not there after {timeout:.0f} s: {what}"
        time.sleep(0.05)


def test_a_run_starts_and_stop_ends_it(running_app):
    """The one good /train call here (tests/app/test_live.py trains for real): start, stop at once, see it end."""
    me = Client(running_app.src, verbose=False)
    job = me.submit(*train("mlp", epochs=0.05, max_seconds=5), api_name="/train")
    wait_until(lambda: job.outputs() or job.done(), "the first progress update")
    assert call(me, "/stop_training", ()) in ("Stopping…", "The run has ended.")
    wait_until(job.done, "the run ending after Stop")
    last = job.outputs()[-1]
    assert re.search(r"Stopped at step \d+|Finished: \d+ steps", progress_of(last)), progress_of(last)
    assert sorted(Path(f).name for f in last[6]) == ["mlp.json", "mlp.safetensors"]
    assert call(me, "/stop_training", ()) == "The run has ended."


def test_leaving_the_line_says_so(running_app):
    first, second = Client(running_app.src, verbose=False), Client(running_app.src, verbose=False)
    training = first.submit(*train("mlp", epochs=0.05, max_seconds=5), api_name="/train")
    waiting = None
    try:
        wait_until(training.outputs, "the first run's first update")
        waiting = second.submit(*train("mlp", epochs=0.05, max_seconds=5), api_name="/train")
        wait_until(waiting.outputs, "the second run's first update")
        assert "Waiting for a free trainer" in progress_of(waiting.outputs()[-1])
        assert call(second, "/stop_training", ()) in ("Stopping…", "The run has ended.")
    finally:
        call(first, "/stop_training", ())  # leave no run behind for the tests after this one
        for job in (training, waiting):
            if job is not None:
                wait_until(job.done, "a run ending after Stop")
    last = progress_of(waiting.outputs()[-1])
    assert "Starting" not in last and re.search(r"[Ss]topped|left the line", last), last
