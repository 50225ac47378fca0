#!/usr/bin/env python3
"""Connected-word test utterances from isolated recordings (label_speaker_take.wav).

For each speaker given, `count` utterances of `min`..`max` words: recordings of that speaker
chosen with a seeded generator, joined with pauses of 50-400 ms of low-level Gaussian noise
(also before the first and after the last word). Writes OUT/c_SPEAKER_NNN.wav, OUT/text (Kaldi
text: id and words) and OUT/ref.ctm (id 1 start duration word, the true boundaries).
Standard library only; deterministic for a seed.

    make_connected.py RECORDINGS OUT --speakers george --count 200 --min 2 --max 7 --seed 1
"""
import argparse, array, os, random, wave

def read(path):
    with wave.open(path, "rb") as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1, path
        return w.getframerate(), array.array("h", w.readframes(w.getnframes()))

def main():
    p = argparse.ArgumentParser()
    p.add_argument("recordings"); p.add_argument("out")
    p.add_argument("--speakers", required=True, help="comma-separated")
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--min", type=int, default=2); p.add_argument("--max", type=int, default=7)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--noise", type=float, default=8.0, help="pause noise standard deviation, 16-bit units")
    a = p.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    names = sorted(os.listdir(a.recordings))
    text, ctm = [], []
    for speaker in a.speakers.split(","):
        mine = [n for n in names if n.endswith(".wav") and n.split("_")[1] == speaker]
        for k in range(a.count):
            n = rng.randint(a.min, a.max)
            picks = [rng.choice(mine) for _ in range(n)]
            uid = f"c_{speaker}_{k:03d}"
            samples, rate, words = array.array("h"), None, []
            def pause():
                ms = rng.uniform(50, 400)
                for _ in range(int(rate * ms / 1000)):
                    samples.append(max(-32768, min(32767, int(round(rng.gauss(0, a.noise))))))
            for pick in picks:
                r, s = read(os.path.join(a.recordings, pick))
                rate = rate or r
                assert r == rate
                if not words: pause()
                start = len(samples) / rate
                samples.extend(s)
                words.append(pick.split("_")[0])
                ctm.append(f"{uid} 1 {start:.3f} {len(s) / rate:.3f} {words[-1]}")
                pause()
            with wave.open(os.path.join(a.out, uid + ".wav"), "wb") as w:
                w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate); w.writeframes(samples.tobytes())
            text.append(uid + " " + " ".join(words))
    with open(os.path.join(a.out, "text"), "w") as f: f.write("\n".join(text) + "\n")
    with open(os.path.join(a.out, "ref.ctm"), "w") as f: f.write("\n".join(ctm) + "\n")

if __name__ == "__main__":
    main()
