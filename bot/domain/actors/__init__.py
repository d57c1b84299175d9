"""Actors as data: named armed groups, forces and bodies, their aliases, and the registry that
finds them in articles and questions."""
