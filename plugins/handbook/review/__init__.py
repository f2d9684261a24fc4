"""``handbook diff``: what a change to ``data/`` means, for reviewers and CI."""
