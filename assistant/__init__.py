"""Report Assistant: cited answers and drafted findings over CQC inspection reports."""
