import pytest
import torch


@pytest.fixture(autouse=True, scope="package")
def one_thread():
    """Tiny models: thread synchronisation costs more than it saves (ten times more on a busy machine)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
