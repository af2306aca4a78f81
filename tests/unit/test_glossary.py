"""The glossary a learner reads on hover or tap: the words the lab's tabs use that a newcomer does not
know, each defined in one sentence, handed to the page as JSON it can read."""
import json
import re

from ui.glossary import GLOSSARY, SPELLINGS, page_glossary

ASKED_FOR = ("nats", "KL", "ELBO", "prior", "latent", "truncation", "temperature", "top-k", "top-p", "FID", "CAS",
             "EMA", "TTUR", "beta", "Gumbel-softmax")  # the terms the issue "A lab that teaches" names


def test_every_term_a_learner_asked_about_has_a_one_sentence_definition():
    assert set(ASKED_FOR) <= set(GLOSSARY)
    for term, definition in GLOSSARY.items():
        assert definition.endswith(".") and len(definition) < 300, term
        assert len(re.findall(r"[.!?](?:\s|$)", definition)) == 1, f"{term}: one sentence, not several"


def test_every_other_spelling_belongs_to_a_term_and_no_spelling_to_two():
    assert set(SPELLINGS) <= set(GLOSSARY)
    spellings = [s.lower() for term in GLOSSARY for s in (term, *SPELLINGS.get(term, []))]
    assert len(spellings) == len(set(spellings))


def test_the_page_reads_the_glossary_as_json_that_cannot_end_its_script_element():
    element = page_glossary()
    assert element.startswith('<script type="application/json" id="genlab-glossary">')
    body = element.removeprefix('<script type="application/json" id="genlab-glossary">').removesuffix("</script>")
    assert "</" not in body
    terms = json.loads(body)
    assert {entry["term"] for entry in terms} == set(GLOSSARY)
    assert all(entry["term"] in entry["spellings"] for entry in terms)
