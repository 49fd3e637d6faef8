"""Debian's Python Kubernetes client (python3-kubernetes) against the emulated API server.

Driven by python-client.test.ts. Prints one JSON object per line: the list, each watch event until
the ConfigMap named "last", the custom objects, and the outcome of a watch from a compacted
resourceVersion. Every call goes through the real client: kubeconfig loading, TLS with the
kubeconfig's CA, the bearer token, list deserialization and kubernetes.watch.
"""
import json
import sys

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException


def say(**kw):
    print(json.dumps(kw), flush=True)


def main(kubeconfig):
    config.load_kube_config(config_file=kubeconfig)
    core = client.CoreV1Api()
    listed = core.list_namespaced_config_map("default", label_selector="app=model")
    say(list=[c.metadata.name for c in listed.items], rv=listed.metadata.resource_version)

    w = watch.Watch()
    for e in w.stream(core.list_namespaced_config_map, "default",
                      resource_version=listed.metadata.resource_version, timeout_seconds=30):
        say(event=e["type"], name=e["object"].metadata.name, rv=e["object"].metadata.resource_version)
        if e["object"].metadata.name == "last":
            w.stop()

    custom = client.CustomObjectsApi()
    widgets = custom.list_namespaced_custom_object("test.greenlight.dev", "v1", "default", "widgets")
    say(widgets=[(o["metadata"]["name"], o["spec"]["size"]) for o in widgets["items"]])

    try:
        for _ in watch.Watch().stream(core.list_namespaced_config_map, "default",
                                      resource_version="1", timeout_seconds=5):
            pass
        say(gone=None)
    except ApiException as err:
        say(gone=err.status, reason=err.reason)


if __name__ == "__main__":
    main(sys.argv[1])
