"""The Discord adapter (discord.py 2.x). Modules import discord themselves; this package stays light."""
