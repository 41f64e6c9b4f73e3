"""What spans several stores, above them: deleting a person's data across the registry and the
scheduler (``erasure``), recording an unanswered question for the console (``unanswered``)."""
