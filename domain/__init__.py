"""The model of jixiao: plan, rules, events, aggregates, commands and their authorisation.

Nothing in this package imports the terminal UI, the projections or table rendering.
"""
