"""A model server that is not greenlight's: FastAPI + scikit-learn, its own paths and JSON shape.

    POST /v1/predict {"features": [30 numbers]}
      -> {"prediction": "benign", "confidence": 0.98, "probabilities": [0.02, 0.98], "model_version": "v1"}
    GET /healthz  -> {"alive": true}
    GET /readyz   -> {"status": "ready"} once the model is trained (503 {"status": "loading"} before)

Run: /usr/bin/python3 app.py --port 8001 --version v1   (Debian: python3-fastapi python3-uvicorn python3-sklearn)
"""

import argparse

import numpy as np
import uvicorn
from fastapi import FastAPI, HTTPException, Response
from pydantic import BaseModel

from model import train

N_FEATURES = 30


class PredictRequest(BaseModel):
    features: list[float]


def build_app(version):
    app = FastAPI(title="tumour classifier")
    state = {"model": None, "classes": []}

    @app.on_event("startup")
    def load():
        state["model"], state["classes"] = train(version)

    @app.get("/healthz")
    def healthz():
        return {"alive": True}

    @app.get("/readyz")
    def readyz(response: Response):
        if state["model"] is None:
            response.status_code = 503
            return {"status": "loading"}
        return {"status": "ready"}

    @app.post("/v1/predict")
    def predict(req: PredictRequest, response: Response):
        if len(req.features) != N_FEATURES:
            raise HTTPException(400, f"features: expected {N_FEATURES} numbers, got {len(req.features)}")
        probs = state["model"].predict_proba(np.array([req.features]))[0]
        best = int(np.argmax(probs))
        response.headers["x-model-version"] = version
        return {
            "prediction": state["classes"][best],
            "confidence": float(probs[best]),
            "probabilities": [float(p) for p in probs],
            "model_version": version,
        }

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    # uvicorn stops gracefully on SIGTERM: requests in flight finish, then it exits.
    uvicorn.run(build_app(args.version), host=args.host, port=args.port, log_level="warning")
