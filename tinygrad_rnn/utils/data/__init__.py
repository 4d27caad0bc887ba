"""torch.utils.data (filled in below)."""
