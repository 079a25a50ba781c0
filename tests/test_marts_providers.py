"""Which providers get a reputation row: the watch list plus names structured sources state."""

from __future__ import annotations

from incremental_build.provider_names import provider_entries, providers_frame


def ids(entries):
    return sorted(e["id"] for e in entries)


def test_registry_listing_and_case_site_names_make_one_provider():
    groups = [
        ("杭州火蝠电子商务有限公司", ("火蝠电商",)),  # registry: legal name + alias
        ("杭州火蝠电子商务有限公司", ("火蝠",)),  # listing: provider name + brand
        (None, ("火蝠电商",)),  # case site
    ]
    entries = provider_entries([], groups)
    assert len(entries) == 1
    e = entries[0]
    assert e["legal_name"] == "杭州火蝠电子商务有限公司"
    assert e["name"] in {"火蝠", "火蝠电商"}  # shown by a brand, the name merchants search
    assert {"火蝠", "火蝠电商"} <= {e["name"], *e["aliases"]}


def test_two_legal_names_with_one_core_stay_two_companies():
    entries = provider_entries([], [("杭州火蝠电子商务有限公司", ()), ("上海火蝠网络科技有限公司", ())])
    assert len(entries) == 2


def test_watch_list_id_wins_and_learned_names_join_it():
    watch = [{"id": "huofu", "name": "火蝠电商", "aliases": []}]
    entries = provider_entries(watch, [("杭州火蝠电子商务有限公司", ("火蝠电商",))])
    assert ids(entries) == ["huofu"]
    assert entries[0]["legal_name"] == "杭州火蝠电子商务有限公司"


def test_ids_do_not_depend_on_the_order_sources_arrived_in():
    groups = [("甲公司网络科技有限公司", ("甲电商",)), ("乙贸易有限公司", ("乙运营",)), (None, ("乙运营",))]
    assert provider_entries([], groups) == provider_entries([], list(reversed(groups)))


def test_frame_lists_the_legal_name_among_aliases():
    frame = providers_frame(provider_entries([], [("杭州火蝠电子商务有限公司", ("火蝠电商",))]))
    assert list(frame.columns) == ["provider_id", "provider_name", "legal_name", "aliases"]
    assert "杭州火蝠电子商务有限公司" in frame.loc[0, "aliases"]
