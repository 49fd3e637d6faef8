"""Write the samples file greenlight replays: one JSON line per tumour of the dataset.

    {"input": [30 numbers], "expected": "benign", "slice": "medium"}

Run: /usr/bin/python3 make_samples.py > samples.jsonl
"""

import json

from model import dataset, size_slice


def main():
    x, y, classes = dataset()
    for row, label in zip(x, y):
        print(json.dumps({"input": [float(v) for v in row], "expected": classes[label], "slice": size_slice(row)}))


if __name__ == "__main__":
    main()
