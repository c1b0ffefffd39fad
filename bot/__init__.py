"""A Kazakh/Russian chatbot that helps citizens of Kazakhstan reach justice."""
