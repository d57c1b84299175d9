"""Questions: understanding a question (place, time words, words), answering it, its state."""
