"""Publishing: the page model, the terminal page and the static site."""
