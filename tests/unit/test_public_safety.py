"""Safe to leave running in public: what a careless or hostile visitor sends cannot take the server's
memory, disk or queue, everybody else keeps being served, and a laptop does not offer the app to its
whole network unless asked to."""


from genlab.families import ARCHITECTURES
from genlab.families.footprint import footprint, limit, too_big
from genlab.models.loading import load_checkpoint
from genlab.serve.fairness import Fairness
from tests.helpers import CHECKPOINTS


def test_every_committed_checkpoint_fits_the_bound_on_uploads():
    """A visitor may download any model the lab ships (or trains) and upload it back."""
    for path in sorted(CHECKPOINTS.glob("*.json")):
        checkpoint = load_checkpoint(path, refuse=too_big)
        size, allowed = footprint(ARCHITECTURES[checkpoint.meta["arch"]], checkpoint.model.config), \
            limit(checkpoint.meta["arch"])
        assert size.parameters <= allowed.parameters and size.activations <= allowed.activations, path.stem


def test_the_fairness_policy_refills_a_visitors_allowance_over_time():
    fairness = Fairness(per_visitor=2, per_address=3, burst=2, per_second=1.0)
    assert fairness.refuse("ann", "10.0.0.1", "sample", 0, 0, now=0.0) == ""
    assert fairness.refuse("ann", "10.0.0.1", "sample", 0, 0, now=0.0) == ""
    assert "try again in 1.0 s" in fairness.refuse("ann", "10.0.0.1", "sample", 0, 0, now=0.0)
    assert fairness.refuse("ann", "10.0.0.1", "sample", 0, 0, now=1.0) == "", "one call's worth refilled"
    assert fairness.refuse("bob", "10.0.0.1", "sample", 0, 0, now=0.0) == "", "bob has his own allowance"
    assert fairness.refuse("ann", "10.0.0.1", "decode", 0, 0, now=1.0) == "", "a slider move costs no allowance"
    assert "2 calls waiting or running" in fairness.refuse("ann", "10.0.0.1", "decode", 2, 2, now=5.0)
    assert "Your network already has 3" in fairness.refuse("cy", "10.0.0.1", "decode", 0, 3, now=5.0)


