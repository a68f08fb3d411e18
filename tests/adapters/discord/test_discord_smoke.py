from tests.fakes.discord_server import FakeDiscord


async def test_casualties(fake: FakeDiscord, bot) -> None:
    iid = await fake.push_interaction("casualties")
    calls = await fake.wait_for_call("POST", f"/interactions/{iid}/")
    print(calls[0].body)
    print(fake.synced)
