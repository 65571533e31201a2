"""Jiandu (监督): the platform citizen-oversight programmes run on."""
