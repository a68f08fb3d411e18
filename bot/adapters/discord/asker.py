"""Who asks, in the core's terms, from a Discord interaction or message."""

from __future__ import annotations

import discord

from bot.core.reply import Asker


def from_interaction(interaction: discord.Interaction) -> Asker:
    return Asker(platform="discord", user_id=str(interaction.user.id),
                 channel_id=str(interaction.channel_id or ""),
                 workspace_id=str(interaction.guild_id or ""),
                 display_name=interaction.user.display_name,
                 # Resolved permissions of the member in this channel; empty in DMs.
                 can_manage=interaction.guild_id is not None and interaction.permissions.manage_guild,
                 # Follow-ups by /ask: one conversation per person and channel.
                 conversation=f"discord:{interaction.channel_id}:{interaction.user.id}:slash")


def from_message(message: discord.Message) -> Asker:
    author = message.author
    perms = getattr(author, "guild_permissions", None)
    return Asker(platform="discord", user_id=str(author.id), channel_id=str(message.channel.id),
                 workspace_id=str(message.guild.id) if message.guild else "",
                 display_name=author.display_name,
                 can_manage=bool(perms and perms.manage_guild))
