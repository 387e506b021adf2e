#!/usr/bin/env python3
"""Reads blastgraph's GraphML export with NetworkX (a standard GraphML
reader) and checks it against the CSV tables of the same estate: as many
nodes and edges, and each edge's kind, access and conditional flag typed as
declared. Run by .ci/run:

    read_with_networkx.py GRAPH.graphml NODES.csv EDGES.csv
"""
import csv
import sys

import networkx as nx

graphml, nodes_csv, edges_csv = sys.argv[1:4]
g = nx.read_graphml(graphml)
with open(nodes_csv, newline="") as f:
    nodes = list(csv.DictReader(f))
with open(edges_csv, newline="") as f:
    edges = list(csv.DictReader(f))
assert isinstance(g, nx.MultiDiGraph) or g.is_directed(), "not directed"
assert g.number_of_nodes() == len(nodes), (g.number_of_nodes(), len(nodes))
assert g.number_of_edges() == len(edges), (g.number_of_edges(), len(edges))
for n in nodes:
    assert g.nodes[n["id"]]["class"] == n["class"], n
want = sorted((e["src"], e["dst"], e["kind"], e["conditional"] == "true") for e in edges)
got = sorted(
    (s, t, d["kind"], d["conditional"])
    for s, t, d in (g.edges(data=True))
)
assert got == want, "edges differ"
assert all(isinstance(d["conditional"], bool) for _, _, d in g.edges(data=True))
print(f"networkx read {graphml}: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges, as the CSV tables")
