"""What an engine may cite and how every answer is checked: the context handed to an engine,
sentence relevance and the answerability gate, and the citation checks."""
