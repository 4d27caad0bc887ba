"""torch's module name for StudentT (`from torch.distributions.studentT import StudentT`)."""
from .student_t import StudentT

__all__ = ["StudentT"]
