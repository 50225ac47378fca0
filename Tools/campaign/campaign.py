#!/usr/bin/env python3
"""Black-box mutation campaign against the hmmkit command-line tool.

Makes valid seed files with the binary itself, mutates them (bytes, JSON structure, .npy
headers, statistics and checkpoint files, Kaldi archives and indexes, WAV headers and samples,
manifests, odd paths, odd option values), runs the matching command in a fresh folder with a
timeout, and classifies the outcome against the documented contract (issue 14):

  * no signal (trap, abort, segfault), no hang (timeout);
  * exit code 0, 1 or 64 only, and 64 only for bad usage (an option), never for a data file;
  * exit 0: no nan/inf on stdout, every output present, replaced, parseable and finite;
  * exit != 0: no new output file, a pre-existing output untouched, no temporary files left;
  * no raw Foundation error text, Swift runtime "Fatal error" or stack trace on stderr;
  * a data error (exit 1) names the offending file; nothing is silently dropped (train,
    recognize, evaluate, features).

Every failure is written with its reproducer (inputs, setup.sh, cmd.sh, result.txt) under
OUT/findings/<n>/. The last line printed is `N passed, M failed`; the exit code is 1 on any
failure. Only the Python standard library and numpy are used.

    campaign.py --hmmkit .build/debug/hmmkit --seconds 600 --seed 1 --out /tmp/campaign
"""

import argparse
import io
import json
import math
import os
import random
import re
import resource
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np

# --------------------------------------------------------------------------------------------
# Interesting values
# --------------------------------------------------------------------------------------------

INT64_MAX = 9223372036854775807
INT64_MIN = -9223372036854775808
SPECIAL_NUMBERS = [0, -1, 1, 2, 1e308, -1e308, 5e-324, -5e-324, 1e-300, 1e30, -1e30, 0.5, 1.5,
                   INT64_MAX, INT64_MIN, 4611686018427387904, 2 ** 31, 2 ** 32, 2 ** 62, 2 ** 64,
                   -(2 ** 31), 65536, 1e9, 3.4028234663852886e38, 1.7976931348623157e308]
# Tokens written into JSON text verbatim (some are not JSON; some parse to ±inf or 0).
RAW_TOKENS = ['NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '1e-999', 'nan', '-0',
              '18446744073709551616', '99999999999999999999999999999999', '1.0e+309', '0e0']
WRONG_TYPES = ['NaN', 'inf', 'x', '', [], {}, None, True, False, [1], {'a': 1}, [[]], '1']
INTERESTING_INTS32 = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000,
                      0xffffffff, 0x7ffffffe]
INTERESTING_INTS64 = [0, 1, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff,
                      0x4000000000000000, 0x100000000]
OPTION_VALUES = ['0', '-1', '1', '2', '-0', '1e308', '-1e308', 'nan', '-nan', 'inf', '-inf',
                 '5e-324', '9223372036854775807', '-9223372036854775808', '9223372036854775808',
                 '4611686018427387904', '1099511627776', '2147483648', '1e30', '-1e30', '1e9',
                 '0.5', '', 'abc', '0x10', '1e-300', '65536', '100000', '3.5']

NONFINITE_RE = re.compile(r'(?<![A-Za-z])[-+]?(nan|inf|infinity)(?![A-Za-z])', re.IGNORECASE)
RAW_ERROR_MARKERS = ['NSCocoaErrorDomain', 'Error Domain=', 'Fatal error', 'Stack dump',
                     'Current stack trace', '_$s', 'Swift runtime failure', 'SIGILL', 'SIGSEGV',
                     'Illegal instruction', 'Segmentation fault', 'NSPOSIXErrorDomain',
                     'UserInfo=', 'EncodingError', 'invalidValue(']
# Swift Codable's own descriptions: a raw message, but it names the file and the field.
SWIFT_DECODING_MARKERS = ['DecodingError', 'CodingKeys(', 'Debug description:']
# Problems reported but not counted as failures (style of the message, not a defect class of
# the acceptance list).
WARN_KINDS = {'decoding-error-text', 'message-no-option'}

# --------------------------------------------------------------------------------------------
# Small format helpers
# --------------------------------------------------------------------------------------------


def fnv1a(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return h


def npy_bytes(header_text, payload, version=(1, 0), header_len=None):
    """An .npy file from a header dict text (padded as numpy does) and raw payload."""
    magic = b'\x93NUMPY' + bytes(version)
    hdr = header_text.encode('latin1')
    lenbytes = 4 if version[0] >= 2 else 2
    total = len(magic) + lenbytes + len(hdr) + 1
    pad = (64 - total % 64) % 64
    hdr = hdr + b' ' * pad + b'\n'
    n = len(hdr) if header_len is None else header_len
    if lenbytes == 2:
        lb = struct.pack('<H', n & 0xffff)
    else:
        lb = struct.pack('<I', n & 0xffffffff)
    return magic + lb + hdr + payload


def npy_of(array):
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=False)
    return buf.getvalue()


def wav_bytes(samples_bytes, fmt_tag=1, channels=1, rate=8000, bits=16, block_align=None,
              byte_rate=None, data_size=None, riff_size=None, fmt_size=None, extra_fmt=b'',
              chunks_before=b''):
    if block_align is None:
        block_align = max(1, channels * bits // 8) & 0xffff
    if byte_rate is None:
        byte_rate = (rate * block_align) & 0xffffffff
    fmt = struct.pack('<HHIIHH', fmt_tag & 0xffff, channels & 0xffff, rate & 0xffffffff,
                      byte_rate & 0xffffffff, block_align & 0xffff, bits & 0xffff) + extra_fmt
    fs = len(fmt) if fmt_size is None else fmt_size
    ds = len(samples_bytes) if data_size is None else data_size
    body = (b'WAVE' + b'fmt ' + struct.pack('<I', fs & 0xffffffff) + fmt + chunks_before +
            b'data' + struct.pack('<I', ds & 0xffffffff) + samples_bytes)
    rs = len(body) if riff_size is None else riff_size
    return b'RIFF' + struct.pack('<I', rs & 0xffffffff) + body


def parse_wav_pcm16(data):
    """Samples of a canonical 16-bit PCM WAV (the FSDD files)."""
    i = 12
    while i + 8 <= len(data):
        cid, size = data[i:i + 4], struct.unpack('<I', data[i + 4:i + 8])[0]
        if cid == b'data':
            return np.frombuffer(data[i + 8:i + 8 + size], dtype='<i2').astype(np.float64) / 32768
        i += 8 + size + (size & 1)
    raise ValueError('no data chunk')


def float_env(s):
    return float(s)


# --------------------------------------------------------------------------------------------
# Byte-level mutations
# --------------------------------------------------------------------------------------------


def mutate_bytes(rng, data, header_bias=128):
    data = bytearray(data)
    if not data:
        return bytes(rng.choice([b'\x00', b'\xff' * 8, b'{', b'\x93NUMPY']))
    op = rng.choice(['flip', 'flip', 'set', 'insert', 'delete', 'truncate', 'truncate', 'dup',
                     'int32', 'int64', 'zero-tail', 'append-garbage', 'empty'])

    def pos():
        if rng.random() < 0.5:
            return rng.randrange(min(len(data), header_bias))
        return rng.randrange(len(data))

    if op == 'flip':
        for _ in range(rng.randint(1, 8)):
            p = pos()
            data[p] ^= 1 << rng.randrange(8)
    elif op == 'set':
        for _ in range(rng.randint(1, 4)):
            data[pos()] = rng.choice([0, 0xff, 0x7f, 0x80, 0x20, 0x0a, 0x22, 0x2d])
    elif op == 'insert':
        p = pos()
        data[p:p] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    elif op == 'delete':
        p = pos()
        del data[p:p + rng.randint(1, 16)]
    elif op == 'truncate':
        data = data[:pos()]
    elif op == 'dup':
        p = pos()
        n = rng.randint(1, 64)
        data[p:p] = data[p:p + n]
    elif op == 'int32' and len(data) >= 4:
        p = min(pos(), len(data) - 4)
        data[p:p + 4] = struct.pack('<I', rng.choice(INTERESTING_INTS32))
    elif op == 'int64' and len(data) >= 8:
        p = min(pos(), len(data) - 8)
        data[p:p + 8] = struct.pack('<Q', rng.choice(INTERESTING_INTS64))
    elif op == 'zero-tail':
        p = pos()
        data[p:] = bytes(len(data) - p)
    elif op == 'append-garbage':
        data += bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    elif op == 'empty':
        data = bytearray()
    return bytes(data)


# --------------------------------------------------------------------------------------------
# Structured JSON mutations
# --------------------------------------------------------------------------------------------


def json_paths(obj, path=()):
    """Every (path, value) in obj, containers included."""
    out = [(path, obj)]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.extend(json_paths(v, path + (k,)))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out.extend(json_paths(v, path + (i,)))
    return out


def shape_of(path):
    return tuple('*' if isinstance(p, int) else p for p in path)


def get_at(obj, path):
    for p in path:
        obj = obj[p]
    return obj


def set_at(obj, path, value):
    if not path:
        return value
    parent = get_at(obj, path[:-1])
    parent[path[-1]] = value
    return obj


def delete_at(obj, path):
    parent = get_at(obj, path[:-1])
    if isinstance(parent, dict):
        del parent[path[-1]]
    else:
        del parent[path[-1]]
    return obj


class RawJSON:
    """A JSON mutation that substitutes raw text for placeholders."""

    def __init__(self):
        self.raw = {}

    def placeholder(self, text):
        key = '@@RAW%d@@' % len(self.raw)
        self.raw['"%s"' % key] = text
        return key

    def dumps(self, obj):
        text = json.dumps(obj, separators=(',', ':'), sort_keys=True)
        for k, v in self.raw.items():
            text = text.replace(k, v)
        return text


def mutate_json(rng, text, count=None):
    """Returns (bytes, description)."""
    try:
        obj = json.loads(text)
    except ValueError:
        return mutate_bytes(rng, text.encode()), 'bytes of unparseable JSON'
    if rng.random() < 0.12:
        # Whole-text mutations.
        op = rng.choice(['bytes', 'truncate', 'empty', 'null', 'array', 'object', 'bom',
                         'trailing', 'dupkey', 'deep-top'])
        raw = text.encode()
        if op == 'bytes':
            return mutate_bytes(rng, raw, header_bias=len(raw)), 'text bytes mutated'
        if op == 'truncate':
            n = rng.randrange(len(raw))
            return raw[:n], 'truncated at byte %d' % n
        if op == 'empty':
            return b'', 'empty file'
        if op == 'null':
            return b'null', 'the JSON null'
        if op == 'array':
            return b'[]', 'an empty array'
        if op == 'object':
            return b'{}', 'an empty object'
        if op == 'bom':
            return b'\xef\xbb\xbf' + raw, 'UTF-8 BOM prefix'
        if op == 'trailing':
            return raw + b'\n{"x":1}', 'trailing second document'
        if op == 'dupkey':
            if raw.startswith(b'{'):
                k = rng.choice(list(obj.keys())) if isinstance(obj, dict) and obj else 'version'
                v = rng.choice(['-1', '1e308', '"x"', '[]', 'null', '9223372036854775807'])
                return b'{"%s":%s,' % (k.encode(), v.encode()) + raw[1:], \
                    'duplicate key %s=%s first' % (k, v)
            return raw, 'unchanged'
        n = rng.choice([600, 5000, 100000])
        return ('[' * n + ']' * n).encode(), 'nested arrays depth %d as whole file' % n
    count = count or rng.choice([1, 1, 1, 2, 3])
    raw = RawJSON()
    descs = []
    for _ in range(count):
        paths = json_paths(obj)
        if len(paths) <= 1:
            break
        by_shape = {}
        for p, v in paths[1:]:
            by_shape.setdefault(shape_of(p), []).append((p, v))
        shape = rng.choice(sorted(by_shape, key=repr))
        path, value = rng.choice(by_shape[shape])
        where = '/'.join(str(p) for p in path)
        if isinstance(value, bool) or value is None or isinstance(value, str):
            op = rng.choice(['type', 'type', 'delete', 'number', 'string'])
        elif isinstance(value, (int, float)):
            op = rng.choice(['number', 'number', 'number', 'raw', 'raw', 'type', 'delete',
                             'scale'])
        elif isinstance(value, list):
            op = rng.choice(['empty', 'shorter', 'longer', 'all-number', 'all-number', 'type',
                             'delete', 'deep', 'wrap', 'huge'])
        else:
            op = rng.choice(['delete-key', 'add-key', 'type', 'delete', 'empty-obj', 'deep'])
        if op == 'number':
            v = rng.choice(SPECIAL_NUMBERS)
            set_at(obj, path, v)
            descs.append('%s = %r' % (where, v))
        elif op == 'raw':
            t = rng.choice(RAW_TOKENS)
            set_at(obj, path, raw.placeholder(t))
            descs.append('%s = raw %s' % (where, t))
        elif op == 'scale':
            v = value * rng.choice([-1, 1e300, 1e-300, 1000, 0])
            if isinstance(v, float) and not math.isfinite(v):
                v = 1e308
            set_at(obj, path, v)
            descs.append('%s scaled to %r' % (where, v))
        elif op == 'type':
            v = rng.choice(WRONG_TYPES)
            set_at(obj, path, v)
            descs.append('%s = %s' % (where, json.dumps(v)))
        elif op == 'string':
            v = rng.choice(['', 'x', 'NaN', 'HMMKit.Recognizer', 'HMMKit.GaussianMixture',
                            'HMMKit.HiddenMarkovModel', 'full', 'diag', 'spherical', 'tied',
                            'ergodic', 'leftToRight', 'float', 'double', 'a' * 100000, '\u0000',
                            '../../etc/passwd', '1e308'])
            set_at(obj, path, v)
            descs.append('%s = %r' % (where, v[:40]))
        elif op == 'delete':
            delete_at(obj, path)
            descs.append('%s deleted' % where)
        elif op == 'empty':
            set_at(obj, path, [])
            descs.append('%s = []' % where)
        elif op == 'shorter':
            if value:
                value.pop(rng.randrange(len(value)))
            descs.append('%s one element shorter' % where)
        elif op == 'longer':
            value.append(json.loads(json.dumps(value[-1])) if value else 0)
            descs.append('%s one element longer' % where)
        elif op == 'huge':
            n = rng.choice([1000, 100000])
            item = value[-1] if value and not isinstance(value[-1], (list, dict)) else 0
            set_at(obj, path, [item] * n)
            descs.append('%s %d elements' % (where, n))
        elif op == 'all-number':
            v = rng.choice(SPECIAL_NUMBERS + ['raw'])
            if v == 'raw':
                t = rng.choice(RAW_TOKENS)
                ph = raw.placeholder(t)
                newv = [ph if not isinstance(x, (list, dict)) else x for x in value]
                descs.append('%s every element raw %s' % (where, t))
            else:
                newv = [v if not isinstance(x, (list, dict)) else x for x in value]
                descs.append('%s every element %r' % (where, v))
            set_at(obj, path, newv)
        elif op == 'deep':
            n = rng.choice([100, 600, 5000, 50000])
            set_at(obj, path, raw.placeholder('[' * n + ']' * n))
            descs.append('%s = arrays nested %d deep' % (where, n))
        elif op == 'wrap':
            set_at(obj, path, [value])
            descs.append('%s wrapped in an array' % where)
        elif op == 'delete-key':
            if value:
                k = rng.choice(list(value.keys()))
                del value[k]
                descs.append('%s/%s deleted' % (where, k))
        elif op == 'add-key':
            value['unexpectedKey'] = 1
            descs.append('%s gains unexpectedKey' % where)
        elif op == 'empty-obj':
            set_at(obj, path, {})
            descs.append('%s = {}' % where)
    return raw.dumps(obj).encode(), '; '.join(descs) or 'unchanged'


# --------------------------------------------------------------------------------------------
# Case description
# --------------------------------------------------------------------------------------------


class Case:
    def __init__(self, family, kind, cmd, files, culprits, outputs, desc, **extra):
        self.family = family          # e.g. npy-header
        self.kind = kind              # data | option | path
        self.cmd = cmd                # argv without the binary
        self.files = files            # name -> bytes | ('fifo',) | ('dir',) | ('symlink', t) ...
        self.culprits = culprits      # names one of which a data error must mention
        self.outputs = outputs        # output paths (relative) checked for staleness/finiteness
        self.desc = desc
        self.extra = extra

    def command_name(self):
        return ' '.join(self.cmd[:2] if self.cmd[0] in ('gmm', 'hmm') else self.cmd[:1])


# --------------------------------------------------------------------------------------------
# The campaign
# --------------------------------------------------------------------------------------------


class Campaign:
    def __init__(self, args):
        self.args = args
        self.hmmkit = os.path.abspath(args.hmmkit)
        self.out = os.path.abspath(args.out)
        self.rng = random.Random(args.seed)
        self.seeds = {}
        self.passed = 0
        self.failed = 0
        self.findings = []
        self.signature_counts = {}
        self.warning_counts = {}
        self.warned = 0
        self.case_counts = {}
        os.makedirs(os.path.join(self.out, 'findings'), exist_ok=True)
        self.work_root = os.path.join(self.out, 'work')
        os.makedirs(self.work_root, exist_ok=True)

    # ---------------------------------------------------------------- running

    def limits(self, fsize):
        mb = self.args.memory_mb
        resource.setrlimit(resource.RLIMIT_AS, (mb << 20, mb << 20))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        # Writes past the limit then fail with EFBIG, as on a full disk, instead of SIGXFSZ.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    def run(self, argv, cwd, timeout, fsize=1 << 30):
        t0 = time.time()
        p = subprocess.Popen([self.hmmkit] + argv, cwd=cwd, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             preexec_fn=lambda: self.limits(fsize), start_new_session=True,
                             restore_signals=False)
        try:
            out, err = p.communicate(timeout=timeout)
            hung = False
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            out, err = p.communicate()
            hung = True
        return p.returncode, out, err, hung, time.time() - t0

    # ---------------------------------------------------------------- seeds

    def seed_run(self, argv, cwd):
        rc, out, err, hung, _ = self.run(argv, cwd, 120)
        if rc != 0:
            raise SystemExit('seed command failed (%s): hmmkit %s\n%s' %
                             (rc, ' '.join(argv), err.decode(errors='replace')[-2000:]))
        return out

    def make_seeds(self):
        d = os.path.join(self.out, 'seeds')
        if os.path.isdir(d):
            shutil.rmtree(d)
        os.makedirs(d)
        rng = np.random.default_rng(self.args.seed)
        for i in range(3):
            np.save(os.path.join(d, 'x%d.npy' % i), rng.normal(size=(40, 3)))
        np.save(os.path.join(d, 'xf.npy'), rng.normal(size=(30, 3)).astype(np.float32))
        demo = self.args.demo_data
        corpus = os.path.join(d, 'corpus')
        os.makedirs(corpus)
        wavs = []
        for label in ('0', '1'):
            for speaker in ('george', 'jackson'):
                for take in range(3):
                    name = '%s_%s_%d.wav' % (label, speaker, take)
                    shutil.copy(os.path.join(demo, name), os.path.join(corpus, name))
                    wavs.append(name)
        run = lambda *a: self.seed_run(list(a), d)
        q = '--quiet'
        run('gmm', 'fit', 'x0.npy', 'x1.npy', '--components', '2', '--iterations', '5', '-o', 'g.json', q)
        run('gmm', 'fit', 'x0.npy', 'x1.npy', '--components', '2', '--covariance', 'full',
            '--iterations', '5', '-o', 'gfull.json', q)
        run('gmm', 'fit', 'x0.npy', 'x1.npy', '--components', '2', '--covariance', 'tied',
            '--iterations', '5', '-o', 'gtied.json', q)
        run('hmm', 'fit', 'x0.npy', 'x1.npy', '--states', '2', '--mixtures', '2', '--iterations', '3',
            '-o', 'h.json', q)
        run('hmm', 'fit', 'x0.npy', 'x1.npy', '--states', '3', '--covariance', 'full',
            '--topology', 'ergodic', '--iterations', '3', '-o', 'herg.json', q)
        run('acc', 'h.json', 'x0.npy', 'x1.npy', '-o', 'h.acc', q)
        run('acc', 'h.json', 'x2.npy', '-o', 'h2.acc', q)
        run('acc', 'g.json', 'x0.npy', '-o', 'g.acc', q)
        run('sum-accs', 'h.acc', 'h2.acc', '-o', 'hsum.acc', q)
        run('hmm', 'fit', 'x0.npy', 'x1.npy', '--states', '2', '--iterations', '2', '--stream',
            '--checkpoint', 'h.ckpt', '-o', 'hs.json', q)
        run('gmm', 'fit', 'x0.npy', 'x1.npy', '--components', '2', '--iterations', '2', '--tolerance', '0',
            '--stream', '--checkpoint', 'g.ckpt', '-o', 'gs.json', q)
        run('features', 'corpus/0_george_0.wav', 'corpus/1_jackson_1.wav', '--format', 'ark',
            '-o', 'f.ark', q)
        run('features', 'corpus/0_george_0.wav', 'corpus/1_jackson_1.wav', '--format', 'ark-text',
            '-o', 'ft.ark', q)
        run('gmm', 'fit', 'f.ark', '--components', '2', '--iterations', '3', '-o', 'g39.json', q)
        run('hmm', 'fit', 'scp:f.scp', '--states', '2', '--iterations', '2', '-o', 'h39.json', q)
        train = ['--states', '3', '--mixtures', '1', '--iterations', '2', '--speed-perturbation',
                 'none', '--no-vtln', '--no-adaptation', q]
        run('train', 'corpus', '-o', 'rec.json', *train)
        run('train', 'corpus', '--states', '3', '--mixtures', '1', '--iterations', '2',
            '--speed-perturbation', 'none', '--vtln-warps', '0.9,1.0,1.1', '--adaptation',
            '--adaptation-passes', '1', '--adaptation-min-frames', '10', '-o', 'recv.json', q)
        with open(os.path.join(d, 'm.tsv'), 'w') as f:
            for w in wavs:
                lab, spk, _ = w.split('_')
                f.write('corpus/%s\t%s\t%s\n' % (w, lab, spk))
        with open(os.path.join(d, 'm.csv'), 'w') as f:
            f.write('path,label,speaker\n')
            for w in wavs:
                lab, spk, _ = w.split('_')
                f.write('corpus/%s,%s,%s\n' % (w, lab, spk))
        for name in os.listdir(d):
            p = os.path.join(d, name)
            if os.path.isfile(p):
                with open(p, 'rb') as f:
                    self.seeds[name] = f.read()
        for w in wavs:
            with open(os.path.join(corpus, w), 'rb') as f:
                self.seeds['corpus/' + w] = f.read()
        self.wavs = wavs
        self.train_opts = train
        # Self-test: the unmutated resume commands succeed.
        for argv in (self.hmm_resume_cmd('h.ckpt'), self.gmm_resume_cmd('g.ckpt')):
            wd = tempfile.mkdtemp(dir=self.work_root)
            for name in ('x0.npy', 'x1.npy', 'h.ckpt', 'g.ckpt'):
                shutil.copy(os.path.join(d, name), wd)
            rc, out, err, hung, _ = self.run(argv, wd, 120)
            if rc != 0:
                print('warning: seed resume command exits %s: %s\n%s' %
                      (rc, ' '.join(argv), err.decode(errors='replace')[-500:]), file=sys.stderr)
            shutil.rmtree(wd)

    def hmm_resume_cmd(self, ckpt):
        return ['hmm', 'fit', 'x0.npy', 'x1.npy', '--states', '2', '--iterations', '4', '--stream',
                '--resume', '--checkpoint', ckpt, '-o', 'out.json', '--quiet']

    def gmm_resume_cmd(self, ckpt):
        return ['gmm', 'fit', 'x0.npy', 'x1.npy', '--components', '2', '--iterations', '4',
                '--tolerance', '0', '--stream', '--resume', '--checkpoint', ckpt, '-o', 'out.json',
                '--quiet']

    def seedfiles(self, *names):
        return {n: self.seeds[n] for n in names}

    def corpus_files(self):
        return {'corpus/' + w: self.seeds['corpus/' + w] for w in self.wavs}

    # ---------------------------------------------------------------- generators: .npy

    def npy_mutant(self):
        r = self.rng
        base = np.load(io.BytesIO(self.seeds['x2.npy']))
        op = r.choice(['bytes', 'header', 'header', 'values', 'values', 'shape'])
        if op == 'bytes':
            src = r.choice(['x2.npy', 'xf.npy'])
            return mutate_bytes(r, self.seeds[src]), 'byte mutation of %s' % src
        if op == 'values':
            kind = r.choice(['k-means-overflow', 'row-1e308', 'nan', 'inf', 'denormal', 'zeros',
                             'constant', 'fltmax32', 'huge-mixed', 'int64', 'neg-huge', '1e154'])
            a = base.copy()
            if kind == 'k-means-overflow':
                a = np.array([[0.0], [1e308], [-1e308]])
            elif kind == 'row-1e308':
                a[r.randrange(len(a))] = 1e308
            elif kind == 'nan':
                a[r.randrange(len(a)), r.randrange(3)] = np.nan
            elif kind == 'inf':
                a[r.randrange(len(a)), r.randrange(3)] = r.choice([np.inf, -np.inf])
            elif kind == 'denormal':
                a = np.full_like(a, 5e-324) * np.sign(a)
            elif kind == 'zeros':
                a = np.zeros_like(a)
            elif kind == 'constant':
                a[:, r.randrange(3)] = 7.0
            elif kind == 'fltmax32':
                a = a.astype(np.float32)
                a[r.randrange(len(a))] = np.float32(3.4028235e38) * r.choice([1, -1])
            elif kind == 'huge-mixed':
                a = a * 1e300
            elif kind == 'int64':
                a = (a * 1000).astype(np.int64)
                if r.random() < 0.5:
                    a[0, 0] = INT64_MAX
            elif kind == 'neg-huge':
                a[:, 0] = -1e308
            elif kind == '1e154':
                a = a * 1e154
            return npy_of(a), 'values: %s (shape %s, %s)' % (kind, a.shape, a.dtype)
        if op == 'shape':
            shp = r.choice([(0, 3), (1, 3), (2, 3), (3, 1), (40, 0), (40,), (4, 3, 2), (1, 1), (),
                            (1, 4096), (5000, 3)])
            a = r.choice([np.zeros, lambda s: np.random.default_rng(1).normal(size=s)])(shp)
            return npy_of(np.asarray(a)), 'valid file of shape %s' % (shp,)
        # Header mutations.
        descr = "'<f8'"
        fortran = 'False'
        shape = '(40, 3)'
        payload = base.astype('<f8').tobytes()
        version = (1, 0)
        header_len = None
        what = r.choice(['descr', 'fortran', 'shape', 'shape', 'len', 'version', 'keys', 'syntax',
                         'payload'])
        desc = what
        if what == 'descr':
            descr = r.choice(["'<f4'", "'>f8'", "'<f2'", "'<i4'", "'<i8'", "'|u1'", "'|b1'",
                              "'<c16'", "'|O'", "'<U3'", "'|V8'", "'<f16'", "'float64'", "''",
                              "'garbage'", "'<f8 '", "'<f0'", "'<f9223372036854775807'",
                              "[('a', '<f8')]", "None", "8", "'<M8[s]'"])
            desc = 'descr %s' % descr
        elif what == 'fortran':
            fortran = r.choice(['True', "'yes'", '1', 'None', '0', "'False'"])
            desc = 'fortran_order %s' % fortran
        elif what == 'shape':
            shape = r.choice(['()', '(0,)', '(0, 3)', '(3, 0)', '(40,)', '(40, 3, 1)', '(-1, 3)',
                              '(40, -3)', '(4611686018427387904, 3)', '(2147483648, 2147483648)',
                              '(9223372036854775807, 1)', '(1, 9223372036854775807)',
                              '(9223372036854775807, 9223372036854775807)',
                              '(18446744073709551616, 1)', '(40, 3.5)', "('a', 3)", '(1, 1099511627776)',
                              '(3, 40)', '(41, 3)', '(39, 3)', '(120,)', '[40, 3]', '(40 3)',
                              '(1e3, 3)', '(0x10, 3)', '(3037000500, 3037000500)'])
            desc = 'shape %s' % shape
        elif what == 'len':
            header_len = r.choice([0, 1, 0xffff, 200, 117, 119, 10])
            desc = 'header length field %d' % header_len
        elif what == 'version':
            version = r.choice([(2, 0), (3, 0), (0, 0), (9, 9), (1, 1), (255, 255)])
            desc = 'format version %s' % (version,)
        elif what == 'payload':
            n = r.choice([0, 8, len(payload) - 1, len(payload) - 8, len(payload) + 8])
            payload = (payload + bytes(16))[:n]
            desc = 'payload of %d bytes for shape (40, 3)' % n
        if what == 'keys':
            text = r.choice([
                "{'descr': '<f8', 'shape': (40, 3), }",
                "{'descr': '<f8', 'fortran_order': False, }",
                "{'fortran_order': False, 'shape': (40, 3), }",
                "{'descr': '<f8', 'fortran_order': False, 'shape': (40, 3), 'extra': 1, }",
                "{'descr': '<f8', 'descr': '<f4', 'fortran_order': False, 'shape': (40, 3), }",
                "{}", "[]", "", "{'descr': '<f8', 'fortran_order': False, 'shape': (40, 3)",
            ])
            desc = 'header %r' % text
        elif what == 'syntax':
            text = r.choice([
                "{\"descr\": \"<f8\", \"fortran_order\": false, \"shape\": [40, 3]}",
                "{'descr': '<f8', 'fortran_order': False, 'shape': (40, 3), }" + '\x00' * 3,
                "{'descr':'<f8','fortran_order':False,'shape':(40,3)}",
                "{'descr': '<f8', 'fortran_order': False, 'shape': (40, 3), }" + ' ' * 70000,
                "{'descr': '<f8', 'fortran_order': False, 'shape': " + '(' * 5000 + ')' * 5000 + ", }",
                "{'descr': '<f8', 'fortran_order': False, 'shape': (40, 3), 'x': '" + '\\' + "', }",
            ])
            desc = 'header syntax %r' % text[:80]
            if len(text) > 65000:
                version = (2, 0)
        else:
            text = "{'descr': %s, 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)
        return npy_bytes(text, payload, version, header_len), 'header: ' + desc

    def gen_npy(self):
        r = self.rng
        data, desc = self.npy_mutant()
        m = 'm.npy'
        cmds = [
            (['gmm', 'score', 'g.json', m], []),
            (['gmm', 'score', '--json', 'gfull.json', m], []),
            (['gmm', 'fit', m, '--components', '2', '--iterations', '5', '-o', 'out.json', '--quiet'],
             ['out.json']),
            (['gmm', 'fit', m, '--components', '2', '--iterations', '5', '--stream', '-o', 'out.json',
              '--quiet'], ['out.json']),
            (['gmm', 'fit', m, '--components', '2', '--covariance', 'full', '--init', 'random',
              '--iterations', '5', '-o', 'out.json', '--quiet'], ['out.json']),
            (['hmm', 'fit', m, 'x0.npy', '--states', '2', '--iterations', '3', '-o', 'out.json',
              '--quiet'], ['out.json']),
            (['hmm', 'fit', m, '--states', '2', '--topology', 'ergodic', '--iterations', '3', '-o',
              'out.json', '--quiet'], ['out.json']),
            (['hmm', 'score', 'h.json', m], []),
            (['hmm', 'score', '--json', 'herg.json', m], []),
            (['hmm', 'decode', 'h.json', m], []),
            (['acc', 'h.json', m, '-o', 'out.acc', '--quiet'], ['out.acc']),
            (['acc', 'g.json', 'x0.npy', m, '-o', 'out.acc', '--quiet'], ['out.acc']),
        ]
        cmd, outs = r.choice(cmds)
        files = self.seedfiles('g.json', 'gfull.json', 'h.json', 'herg.json', 'x0.npy')
        files[m] = data
        return Case('npy', 'data', cmd, files, [m], outs, desc)

    # ---------------------------------------------------------------- JSON models

    def gen_model_json(self):
        r = self.rng
        which = r.choice(['g.json', 'gfull.json', 'gtied.json', 'h.json', 'herg.json'])
        data, desc = mutate_json(r, self.seeds[which].decode())
        m = 'm.json'
        files = self.seedfiles('x0.npy', 'x1.npy', 'x2.npy')
        if which.startswith('g'):
            cmds = [(['gmm', 'score', m, 'x2.npy'], []),
                    (['gmm', 'score', '--json', m, 'x2.npy'], []),
                    (['acc', m, 'x0.npy', '-o', 'out.acc', '--quiet'], ['out.acc']),
                    (['gmm', 'fit', 'x0.npy', '--components', '2', '--iterations', '2',
                      '--start-from', m, '-o', 'out.json', '--quiet'], ['out.json'])]
            if which == 'g.json':
                st, _ = self.resign_stats(self.seeds['g.acc'], model=data)
                files['s.acc'] = st
                cmds.append((['update', m, 's.acc', '-o', 'out.json', '--quiet'], ['out.json']))
        else:
            cmds = [(['hmm', 'score', m, 'x2.npy'], []),
                    (['hmm', 'score', '--json', m, 'x2.npy', 'x1.npy'], []),
                    (['hmm', 'decode', m, 'x2.npy'], []),
                    (['hmm', 'decode', '--json', m, 'x2.npy'], []),
                    (['acc', m, 'x0.npy', '-o', 'out.acc', '--quiet'], ['out.acc']),
                    (['hmm', 'fit', 'x0.npy', '--states', '2', '--iterations', '2', '--start-from',
                      m, '-o', 'out.json', '--quiet'], ['out.json'])]
            if which == 'h.json':
                st, _ = self.resign_stats(self.seeds['h.acc'], model=data)
                files['s.acc'] = st
                cmds.append((['update', m, 's.acc', '-o', 'out.json', '--quiet'], ['out.json']))
        cmd, outs = r.choice(cmds)
        files[m] = data
        return Case('model-json', 'data', cmd, files, [m], outs,
                    'mutated %s: %s' % (which, desc))

    # ---------------------------------------------------------------- statistics files

    @staticmethod
    def split_stats(data):
        n = struct.unpack('<I', data[12:16])[0]
        header = data[16:16 + n]
        body = data[16 + n:-8]
        return header, body

    @staticmethod
    def build_stats(header, body, version=1, header_len=None, checksum=True, magic=b'HMMKSTAT'):
        hl = len(header) if header_len is None else header_len
        pre = magic + struct.pack('<II', version & 0xffffffff, hl & 0xffffffff) + header + body
        if checksum is True:
            return pre + struct.pack('<Q', fnv1a(pre))
        return pre + struct.pack('<Q', checksum)

    def resign_stats(self, data, model=None):
        """The statistics file `data` with its model identity set to that of `model` bytes."""
        header, body = self.split_stats(data)
        if model is not None:
            h = json.loads(header)
            h['modelIdentity'] = '%016x' % fnv1a(model)
            header = json.dumps(h, separators=(',', ':'), sort_keys=True).encode()
        return self.build_stats(header, body), 'resigned'

    def stats_mutant(self, src):
        r = self.rng
        data = self.seeds[src]
        header, body = self.split_stats(data)
        op = r.choice(['bytes', 'header', 'header', 'header', 'values', 'values', 'version',
                       'hlen', 'layout'])
        resign = r.random() < 0.85
        if op == 'bytes':
            return mutate_bytes(r, data), 'byte mutation'
        if op == 'version':
            v = r.choice([0, 2, 0xffffffff, 0x80000000])
            return self.build_stats(header, body, version=v), 'version %d (checksum valid)' % v
        if op == 'hlen':
            n = r.choice([0, 1, len(header) - 1, len(header) + 1, 0x7fffffff, 0xffffffff,
                          len(header) + len(body)])
            return self.build_stats(header, body, header_len=n), 'header length field %d' % n
        if op == 'values':
            vals = np.frombuffer(body, dtype='<f8').copy()
            kind = r.choice(['nan', 'inf', '-inf', 'negate-all', 'negate-one', '1e308', 'zero-all',
                             '-1e308', 'denormal', 'drop-last', 'extra'])
            if kind == 'nan':
                vals[r.randrange(len(vals))] = np.nan
            elif kind == 'inf':
                vals[r.randrange(len(vals))] = np.inf
            elif kind == '-inf':
                vals[r.randrange(len(vals))] = -np.inf
            elif kind == 'negate-all':
                vals = -vals
            elif kind == 'negate-one':
                vals[r.randrange(len(vals))] *= -1
            elif kind == '1e308':
                vals[r.randrange(len(vals))] = 1e308
            elif kind == '-1e308':
                vals[r.randrange(len(vals))] = -1e308
            elif kind == 'zero-all':
                vals[:] = 0
            elif kind == 'denormal':
                vals[:] = 5e-324
            elif kind == 'drop-last':
                vals = vals[:-1]
            elif kind == 'extra':
                vals = np.append(vals, 1.0)
            return (self.build_stats(header, vals.astype('<f8').tobytes(), checksum=True if resign else 0),
                    'values: %s (%s)' % (kind, 'checksum valid' if resign else 'checksum 0'))
        text = header.decode()
        if op == 'layout':
            h = json.loads(text)
            key = r.choice(['valueCount', 'states', 'components', 'dimension', 'shards', 'frames',
                            'logLikelihood'])
            v = r.choice([0, -1, INT64_MAX, INT64_MIN, 4611686018427387904, 2 ** 32, 1e308, 1.5,
                          'x', None, 2 ** 64])
            if key in h.get('layout', {}):
                h['layout'][key] = v
            else:
                h[key] = v
            newh = json.dumps(h, separators=(',', ':'), sort_keys=True).encode()
            desc = '%s = %r' % (key, v)
        else:
            newh, desc = mutate_json(r, text)
        return (self.build_stats(newh, body, checksum=True if resign else 0),
                'header: %s (%s)' % (desc, 'checksum valid' if resign else 'checksum 0'))

    def gen_stats(self):
        r = self.rng
        src = r.choice(['h.acc', 'hsum.acc', 'g.acc'])
        data, desc = self.stats_mutant(src)
        m = 'm.acc'
        files = self.seedfiles('h.json', 'g.json', 'h.acc', 'g.acc')
        model = 'g.json' if src == 'g.acc' else 'h.json'
        other = 'g.acc' if src == 'g.acc' else 'h.acc'
        cmds = [(['sum-accs', m, other, '-o', 'out.acc', '--quiet'], ['out.acc']),
                (['sum-accs', m, '-o', 'out.acc', '--quiet'], ['out.acc']),
                (['sum-accs', other, m, m, '-o', 'out.acc', '--json'], ['out.acc']),
                (['update', model, m, '-o', 'out.json', '--quiet'], ['out.json']),
                (['update', model, m, '-o', 'out.json', '--json'], ['out.json'])]
        cmd, outs = r.choice(cmds)
        files[m] = data
        return Case('statistics', 'data', cmd, files, [m], outs, 'mutated %s: %s' % (src, desc))

    # ---------------------------------------------------------------- checkpoints

    def gen_checkpoint(self):
        r = self.rng
        src = r.choice(['h.ckpt', 'g.ckpt'])
        data = self.seeds[src]
        head, model = data.split(b'\n', 1)
        op = r.choice(['bytes', 'header', 'header', 'header', 'model', 'model', 'count'])
        if op == 'bytes':
            new, desc = mutate_bytes(r, data, header_bias=len(head)), 'byte mutation'
        elif op == 'header':
            h, d = mutate_json(r, head.decode())
            new, desc = h + b'\n' + model, 'header: ' + d
        elif op == 'count':
            h = json.loads(head)
            key = r.choice(['completedIterations', 'modelByteCount', 'version'])
            v = r.choice([0, -1, INT64_MAX, INT64_MIN, 4611686018427387904, 1000000, 2 ** 64, 1e308])
            h[key] = v
            new = json.dumps(h, separators=(',', ':'), sort_keys=True).encode() + b'\n' + model
            desc = 'header %s = %r' % (key, v)
        else:
            mm, d = mutate_json(r, model.decode())
            h = json.loads(head)
            h['modelByteCount'] = len(mm)
            h['modelIdentity'] = '%016x' % fnv1a(mm)
            new = json.dumps(h, separators=(',', ':'), sort_keys=True).encode() + b'\n' + mm
            desc = 'embedded model (identity and size kept consistent): ' + d
        m = 'm.ckpt'
        cmd = self.hmm_resume_cmd(m) if src == 'h.ckpt' else self.gmm_resume_cmd(m)
        files = self.seedfiles('x0.npy', 'x1.npy')
        files[m] = new
        return Case('checkpoint', 'data', cmd, files, [m], ['out.json'],
                    'mutated %s: %s' % (src, desc))

    # ---------------------------------------------------------------- Kaldi archives

    def scp_entries(self, scp):
        out = []
        for line in scp.decode().splitlines():
            key, rest = line.split(' ', 1)
            path, off = rest.rsplit(':', 1)
            out.append((key, path, int(off)))
        return out

    def archive_names(self, ark_name, scp_name):
        """The archive's own name and every archive path its seed index names."""
        return {ark_name} | {path for _, path, _ in self.scp_entries(self.seeds[scp_name])}

    def gen_ark(self):
        r = self.rng
        text = r.random() < 0.25
        ark_name, scp_name = ('ft.ark', 'ft.scp') if text else ('f.ark', 'f.scp')
        ark = bytearray(self.seeds[ark_name])
        scp = self.seeds[scp_name]
        entries = self.scp_entries(scp)
        target = r.choice(['ark', 'ark', 'scp'])
        if target == 'ark':
            if text or r.random() < 0.4:
                new, desc = mutate_bytes(r, bytes(ark)), 'byte mutation of the archive'
            else:
                key, _, off = r.choice(entries)
                # off points at "\0B"; then the token, then \4 rows \4 cols.
                what = r.choice(['rows', 'cols', 'token', 'marker', 'sizebyte', 'values'])
                if what == 'rows' or what == 'cols':
                    pos = off + 2 + 4 + (1 if what == 'rows' else 6)
                    v = r.choice([0, -1, 0x7fffffff, -0x80000000, 1 << 30, 1, 100000])
                    ark[pos:pos + 4] = struct.pack('<i', v)
                    desc = 'archive entry %s: %s = %d' % (key, what, v)
                elif what == 'token':
                    tok = r.choice([b'DM ', b'CM ', b'CM2', b'CM3', b'XX ', b'FV ', b'DV ', b'\0\0\0'])
                    ark[off + 2:off + 5] = tok
                    desc = 'archive entry %s: token %r' % (key, tok)
                elif what == 'marker':
                    ark[off:off + 2] = r.choice([b'  ', b'\0b', b'B\0', b'\0\0'])
                    desc = 'archive entry %s: binary marker damaged' % key
                elif what == 'sizebyte':
                    pos = off + 5 + r.choice([0, 5])
                    ark[pos] = r.choice([0, 8, 2, 0xff, 3])
                    desc = 'archive entry %s: size byte %d' % (key, ark[pos])
                else:
                    pos = off + 15 + 4 * r.randrange(50)
                    v = r.choice([np.float32(np.nan), np.float32(np.inf), np.float32(3.4e38),
                                  np.float32(-np.inf), np.float32(1e-45)])
                    ark[pos:pos + 4] = struct.pack('<f', v)
                    desc = 'archive entry %s: a value %r' % (key, float(v))
                new = bytes(ark)
            # The index may name the archive under another name (a generation of it): the
            # mutated archive is written under every name a reader can reach it by.
            files = {n: new for n in self.archive_names(ark_name, scp_name)}
            files[scp_name] = scp
            culprits = sorted(self.archive_names(ark_name, scp_name))
        else:
            lines = scp.decode().splitlines()
            what = r.choice(['offset', 'offset', 'path', 'bytes', 'lines'])
            i = r.randrange(len(lines))
            key, path, off = entries[i]
            extra = {}
            extra_culprit = None
            if what == 'offset':
                v = r.choice([0, 1, off - 1, off + 1, off + 2, -1, INT64_MAX, 2 ** 64, len(ark),
                              len(ark) + 100, 'abc', '', '1e3', '0x10', '%d ' % off])
                lines[i] = '%s %s:%s' % (key, path, v)
                desc = 'index offset of %s = %r' % (key, v)
            elif what == 'path':
                p = r.choice(['missing.ark', 'dir', 'pipe.ark', '/dev/null', '/dev/zero', '',
                              'f.scp' if not text else 'ft.scp', 'link.ark'])
                lines[i] = '%s %s:%d' % (key, p, off)
                desc = 'index path of %s = %r' % (key, p)
                extra_culprit = p
                if p == 'dir':
                    extra['dir'] = ('dir',)
                elif p == 'pipe.ark':
                    extra['pipe.ark'] = ('fifo',)
                elif p == 'link.ark':
                    extra['link.ark'] = ('symlink', 'link.ark')
            elif what == 'lines':
                kind = r.choice(['dup', 'empty', 'keyonly', 'crlf', 'many', 'tab', 'nooffset'])
                if kind == 'dup':
                    lines.append(lines[i])
                elif kind == 'empty':
                    lines.insert(i, '')
                elif kind == 'keyonly':
                    lines[i] = key
                elif kind == 'crlf':
                    lines = [l + '\r' for l in lines]
                elif kind == 'many':
                    lines = ['k%d %s:%d' % (j, path, off) for j in range(20000)]
                elif kind == 'tab':
                    lines[i] = '%s\t%s:%d' % (key, path, off)
                elif kind == 'nooffset':
                    lines[i] = '%s %s' % (key, path)
                desc = 'index lines: %s' % kind
            else:
                new, desc = mutate_bytes(r, scp), 'byte mutation of the index'
                lines = None
            if lines is not None:
                new = ('\n'.join(lines) + '\n').encode()
            files = {n: bytes(ark) for n in self.archive_names(ark_name, scp_name)}
            files[scp_name] = new
            files.update(extra)
            culprits = [scp_name] + sorted(self.archive_names(ark_name, scp_name))
            if extra_culprit:
                culprits.append(extra_culprit)
        files.update(self.seedfiles('g39.json', 'h39.json'))
        spec = r.choice(['scp:' + scp_name, scp_name, ark_name, 'ark:' + ark_name])
        if target == 'scp' and not spec.endswith('scp'):
            spec = 'scp:' + scp_name
        cmds = [(['gmm', 'score', 'g39.json', spec], []),
                (['hmm', 'score', 'h39.json', spec], []),
                (['hmm', 'decode', 'h39.json', spec], []),
                (['gmm', 'fit', spec, '--components', '2', '--iterations', '2', '-o', 'out.json',
                  '--quiet'], ['out.json']),
                (['hmm', 'fit', spec, '--states', '2', '--iterations', '2', '-o', 'out.json',
                  '--quiet'], ['out.json']),
                (['acc', 'h39.json', spec, '-o', 'out.acc', '--quiet'], ['out.acc'])]
        cmd, outs = r.choice(cmds)
        return Case('kaldi-archive', 'data', cmd, files, culprits, outs, desc)

    # ---------------------------------------------------------------- WAV audio

    def wav_mutant(self):
        r = self.rng
        src = self.seeds['corpus/' + r.choice(self.wavs)]
        x = parse_wav_pcm16(src)
        pcm = (np.clip(x, -1, 1 - 1 / 32768) * 32768).astype('<i2').tobytes()
        op = r.choice(['header', 'header', 'float', 'float', 'float', 'pcm', 'bytes', 'tiny',
                       'random'])
        if op == 'bytes':
            return mutate_bytes(r, src, header_bias=44), 'byte mutation of a 16-bit WAV'
        if op == 'random':
            n = r.choice([0, 1, 44, 1000])
            return bytes(r.randrange(256) for _ in range(n)), '%d random bytes' % n
        if op == 'header':
            field = r.choice(['rate', 'rate', 'channels', 'channels', 'bits', 'block_align',
                              'byte_rate', 'data_size', 'data_size', 'riff_size', 'fmt_size',
                              'fmt_tag'])
            v = {
                'rate': [0, 1, 2, 100, 1000000, 0x7fffffff, 0x80000000, 0xffffffff, 192000 * 16],
                'channels': [0, 2, 3, 255, 0xffff, 0x8000],
                'bits': [0, 1, 7, 12, 24, 32, 64, 0xffff],
                'block_align': [0, 1, 3, 0xffff],
                'byte_rate': [0, 1, 0xffffffff],
                'data_size': [0, 1, 3, len(pcm) // 2, len(pcm) + 1000, 0x7fffffff, 0xffffffff,
                              0xfffffffe],
                'riff_size': [0, 4, 0xffffffff, 36],
                'fmt_size': [0, 14, 15, 18, 40, 0xffffffff, 0x7fffffff],
                'fmt_tag': [0, 2, 3, 6, 7, 0xfffe, 0x55, 0xffff],
            }[field]
            val = r.choice(v)
            kw = {field: val}
            return wav_bytes(pcm, **kw), '16-bit PCM WAV with %s = %d' % (field, val)
        if op == 'tiny':
            n = r.choice([0, 1, 2, 10, 100, 199, 200, 201, 255])
            return wav_bytes(pcm[:2 * n]), '16-bit PCM WAV of %d samples' % n
        if op == 'pcm':
            bits = r.choice([8, 24, 32])
            ch = r.choice([1, 2])
            rate = r.choice([8000, 16000, 44100, 1, 100, 4000, 192000, 1000000])
            y = np.repeat(x[:, None], ch, axis=1).ravel()
            if bits == 8:
                b = ((y * 127) + 128).clip(0, 255).astype(np.uint8).tobytes()
            elif bits == 24:
                iv = (y * (2 ** 23 - 1)).astype('<i4')
                b = b''.join(struct.pack('<i', int(v))[:3] for v in iv)
            else:
                b = (y * (2 ** 31 - 1)).astype('<i4').tobytes()
            return (wav_bytes(b, channels=ch, rate=rate, bits=bits),
                    '%d-bit PCM, %d channel(s), %d Hz' % (bits, ch, rate))
        # Float WAVs.
        dtype = r.choice(['<f4', '<f4', '<f8'])
        kind = r.choice(['1e30', 'fltmax', '-fltmax', 'nan', 'inf', '-inf', 'denormal', 'zeros',
                         'one-sample', 'mixed-1e30', 'dblmax', 'clip-2', 'dc-1e10', '1e-30',
                         'alternating-fltmax', 'one-loud'])
        y = x.copy()
        if kind == '1e30':
            y = y * 1e30
        elif kind == 'fltmax':
            y = np.full_like(y, 3.4028234663852886e38)
        elif kind == '-fltmax':
            y = np.full_like(y, -3.4028234663852886e38)
        elif kind == 'nan':
            y[r.randrange(len(y))] = np.nan
        elif kind == 'inf':
            y[r.randrange(len(y))] = np.inf
        elif kind == '-inf':
            y[r.randrange(len(y))] = -np.inf
        elif kind == 'denormal':
            y = np.sign(y) * 1e-45 if dtype == '<f4' else np.sign(y) * 5e-324
        elif kind == 'zeros':
            y = np.zeros_like(y)
        elif kind == 'one-sample':
            y = y[:1]
        elif kind == 'mixed-1e30':
            y[::100] = 1e30
        elif kind == 'dblmax':
            y = np.full_like(y, 1.7976931348623157e308 if dtype == '<f8' else 3.4e38)
        elif kind == 'clip-2':
            y = y * 2 / max(1e-9, np.abs(y).max()) * 1.0
        elif kind == 'dc-1e10':
            y = y + 1e10
        elif kind == '1e-30':
            y = y * 1e-30
        elif kind == 'alternating-fltmax':
            y = np.where(np.arange(len(y)) % 2 == 0, 3.4e38, -3.4e38)
        elif kind == 'one-loud':
            y[r.randrange(len(y))] = 3.4e38
        rate = r.choice([8000, 8000, 16000, 22050])
        with np.errstate(over='ignore', invalid='ignore'):
            b = y.astype(dtype).tobytes()
        bits = 32 if dtype == '<f4' else 64
        return (wav_bytes(b, fmt_tag=3, rate=rate, bits=bits),
                '%d-bit float WAV, %s, %d samples, %d Hz' % (bits, kind, len(y), rate))

    def gen_wav(self):
        r = self.rng
        data, desc = self.wav_mutant()
        mode = r.choice(['features', 'features', 'features', 'features-ark', 'recognize',
                         'evaluate', 'train', 'train-manifest', 'features-mixed'])
        preset = r.choice(['kaldi', 'psf', 'librosa'])
        files = {}
        extra = {}
        if mode == 'features':
            m = 'a.wav'
            cmd = ['features', m, '--preset', preset, '-o', 'out.npy', '--quiet']
            if r.random() < 0.3:
                cmd += ['--precision', 'double']
            if r.random() < 0.2:
                cmd += ['--json']
            outs = ['out.npy']
            extra['single_feature_input'] = m
        elif mode == 'features-mixed':
            m = 'b.wav'
            files['a.wav'] = self.seeds['corpus/0_george_0.wav']
            cmd = ['features', 'a.wav', m, '--preset', preset, '-o', 'outdir', '--quiet']
            outs = []
            extra['features_dir'] = ('outdir', {'a.wav': 'a.npy', m: 'b.npy'}, m)
        elif mode == 'features-ark':
            m = 'a.wav'
            files['b.wav'] = self.seeds['corpus/0_george_0.wav']
            fmt = r.choice(['ark', 'ark-text'])
            cmd = ['features', 'b.wav', m, '--preset', preset, '--format', fmt, '-o', 'out.ark',
                   '--quiet']
            outs = ['out.ark', 'out.scp']
            extra['ark_output'] = ('out.ark', 'out.scp')
        elif mode == 'recognize':
            m = 'a.wav'
            rec = r.choice(['rec.json', 'recv.json'])
            files[rec] = self.seeds[rec]
            files['b.wav'] = self.seeds['corpus/1_jackson_1.wav']
            cmd = ['recognize', rec, m, 'b.wav'] + (['--json'] if r.random() < 0.5 else [])
            outs = []
            extra['recognize_inputs'] = [m, 'b.wav']
        elif mode == 'evaluate':
            m = 'corpus/0_george_9.wav'
            rec = r.choice(['rec.json', 'recv.json'])
            files[rec] = self.seeds[rec]
            files.update(self.corpus_files())
            cmd = ['evaluate', rec, 'corpus', '--quiet'] + (['--json'] if r.random() < 0.6 else [])
            outs = []
            extra['evaluate_culprit'] = '0_george_9.wav'
        else:
            m = 'corpus/1_lucas_9.wav'
            files.update(self.corpus_files())
            if mode == 'train-manifest':
                sep = r.choice(['\t', ','])
                name = 'm.tsv' if sep == '\t' else 'm.csv'
                rows = ['corpus/%s%s%s%s%s' % (w, sep, w.split('_')[0], sep, w.split('_')[1])
                        for w in self.wavs] + ['%s%s1%slucas' % (m, sep, sep)]
                files[name] = ('\n'.join(rows) + '\n').encode()
                corpus = name
            else:
                corpus = 'corpus'
            cmd = ['train', corpus, '-o', 'out.json', '--json'] + self.train_opts
            if r.random() < 0.25:
                cmd.append('--strict')
            if r.random() < 0.2:
                cmd = [c for c in cmd if c not in ('--no-vtln',)] + ['--vtln-warps', '0.9,1.0']
            outs = ['out.json']
            extra['train_corpus_size'] = len(self.wavs) + 1
        files[m] = data
        return Case('wav-' + mode, 'data', cmd, files, [os.path.basename(m)], outs, desc, **extra)

    # ---------------------------------------------------------------- recognizers

    def gen_recognizer(self):
        r = self.rng
        src = r.choice(['rec.json', 'recv.json'])
        data, desc = mutate_json(r, self.seeds[src].decode())
        m = 'm.json'
        files = {m: data, 'a.wav': self.seeds['corpus/0_george_0.wav'],
                 'b.wav': self.seeds['corpus/1_jackson_2.wav']}
        cmds = [(['recognize', m, 'a.wav', 'b.wav'], []),
                (['recognize', m, 'a.wav', '--json', '--speaker', 'x'], []),
                (['evaluate', m, 'corpus', '--quiet'], []),
                (['evaluate', m, 'corpus', '--json', '--quiet'], [])]
        cmd, outs = r.choice(cmds)
        if cmd[0] == 'evaluate':
            files.update(self.corpus_files())
        try:
            labels = [l for l in json.loads(data).get('labels', []) if isinstance(l, str)]
        except (ValueError, AttributeError, RecursionError):
            labels = []
        return Case('recognizer', 'data', cmd, files, [m], outs, 'mutated %s: %s' % (src, desc),
                    recognize_inputs=[a for a in cmd if a.endswith('.wav')], label_words=labels)

    # ---------------------------------------------------------------- manifests

    def gen_manifest(self):
        r = self.rng
        sep = r.choice(['\t', ','])
        name = 'm.tsv' if sep == '\t' else 'm.csv'
        rows = [[('corpus/' + w), w.split('_')[0], w.split('_')[1]] for w in self.wavs]
        files = dict(self.corpus_files())
        kind = r.choice(['missing-label', 'extra-col', 'empty-path', 'dir-path', 'fifo-path',
                         'nonexistent', 'quoted', 'bom', 'crlf', 'header', 'dup', 'empty-label',
                         'bytes', 'empty', 'only-header', 'devnull', 'abs-dots', 'one-label',
                         'huge-line', 'nul'])
        i = r.randrange(len(rows))
        culprits = [name]
        header = False
        text = None
        if kind == 'missing-label':
            rows[i] = rows[i][:1]
        elif kind == 'extra-col':
            rows[i] = rows[i] + ['x', 'y']
        elif kind == 'empty-path':
            rows[i][0] = ''
        elif kind == 'dir-path':
            rows[i][0] = 'corpus'
            culprits.append('corpus')
        elif kind == 'fifo-path':
            files['p.wav'] = ('fifo',)
            rows[i][0] = 'p.wav'
            culprits.append('p.wav')
        elif kind == 'nonexistent':
            rows[i][0] = 'corpus/none.wav'
            culprits.append('none.wav')
        elif kind == 'quoted':
            rows[i][0] = '"%s"' % rows[i][0]
        elif kind == 'crlf':
            text = '\r\n'.join(sep.join(x) for x in rows) + '\r\n'
        elif kind == 'header':
            header = True
        elif kind == 'dup':
            rows.append(list(rows[i]))
        elif kind == 'empty-label':
            rows[i][1] = ''
        elif kind == 'devnull':
            rows[i][0] = '/dev/null'
            culprits.append('/dev/null')
        elif kind == 'abs-dots':
            rows[i][0] = './corpus/../corpus/' + os.path.basename(rows[i][0])
        elif kind == 'one-label':
            rows = [x for x in rows if x[1] == '0']
        elif kind == 'huge-line':
            rows[i][1] = 'L' * 200000
        elif kind == 'nul':
            rows[i][1] = '0\x00x'
        if text is None:
            text = ('path%slabel%sspeaker\n' % (sep, sep) if header else '') + \
                '\n'.join(sep.join(x) for x in rows) + '\n'
        data = text.encode()
        if kind == 'bom':
            data = b'\xef\xbb\xbf' + data
        elif kind == 'bytes':
            data = mutate_bytes(r, data)
        elif kind == 'empty':
            data = b''
        elif kind == 'only-header':
            data = ('path%slabel%sspeaker\n' % (sep, sep)).encode()
        files[name] = data
        if r.random() < 0.6:
            cmd = ['train', name, '-o', 'out.json', '--json'] + self.train_opts
            outs = ['out.json']
            extra = {'train_corpus_size': len(rows)}
        else:
            files['rec.json'] = self.seeds['rec.json']
            cmd = ['evaluate', 'rec.json', name, '--json', '--quiet']
            outs = []
            extra = {}
        return Case('manifest', 'data', cmd, files, culprits, outs, 'manifest: %s (row %d)' % (kind, i),
                    **extra)

    # ---------------------------------------------------------------- options

    def gen_option(self):
        r = self.rng
        wav = {'a.wav': self.seeds['corpus/0_george_0.wav']}
        npys = self.seedfiles('x0.npy', 'x1.npy')
        templates = [
            ('features', ['features', 'a.wav', '--preset', r.choice(['kaldi', 'psf', 'librosa']),
                          '-o', 'out.npy', '--quiet'], ['out.npy'], wav,
             ['--sample-rate', '--frame-length-ms', '--frame-shift-ms', '--frame-length-samples',
              '--frame-shift-samples', '--dither', '--dither-seed', '--preemphasis', '--fft-size',
              '--mel-bins', '--low-frequency', '--high-frequency', '--vtln-warp', '--vtln-low',
              '--vtln-high', '--log-floor', '--top-db', '--cepstra', '--lifter', '--energy-floor',
              '--delta-window', '--delta-order', '--input-scale', '--threads']),
            ('gmm fit', ['gmm', 'fit', 'x0.npy', 'x1.npy', '--components', '2', '--iterations', '5',
                         '-o', 'out.json', '--quiet'], ['out.json'], npys,
             ['--components', '--iterations', '--tolerance', '--restarts', '--reg-covar',
              '--variance-floor', '--seed', '--threads']),
            ('gmm fit stream', ['gmm', 'fit', 'x0.npy', 'x1.npy', '--components', '2', '--iterations',
                                '3', '--stream', '-o', 'out.json', '--quiet'], ['out.json'], npys,
             ['--chunk-frames', '--init-frames', '--components', '--reg-covar']),
            ('hmm fit', ['hmm', 'fit', 'x0.npy', 'x1.npy', '--states', '2', '--iterations', '3',
                         '-o', 'out.json', '--quiet'], ['out.json'], npys,
             ['--states', '--mixtures', '--max-jump', '--split-every', '--iterations', '--tolerance',
              '--variance-floor', '--seed', '--threads']),
            ('hmm fit stream', ['hmm', 'fit', 'x0.npy', 'x1.npy', '--states', '2', '--iterations',
                                '2', '--stream', '-o', 'out.json', '--quiet'], ['out.json'], npys,
             ['--chunk-frames', '--init-frames', '--states', '--mixtures']),
            ('train', ['train', 'corpus', '-o', 'out.json', '--quiet'] + self.train_opts[:-1],
             ['out.json'], self.corpus_files(),
             ['--states', '--mixtures', '--max-jump', '--iterations', '--variance-floor',
              '--speed-perturbation', '--sample-rate', '--vtln-warps', '--vtln-passes',
              '--adaptation-passes', '--adaptation-min-frames', '--seed', '--threads', '--split']),
            ('recognize', ['recognize', 'rec.json', 'a.wav'], [],
             dict(wav, **self.seedfiles('rec.json')), ['--reject', '--n-best', '--threads']),
            ('evaluate', ['evaluate', 'rec.json', 'corpus', '--json', '--quiet'], [],
             dict(self.corpus_files(), **self.seedfiles('rec.json')),
             ['--reject', '--n-best', '--seed', '--split', '--threads']),
            ('acc', ['acc', 'h.json', 'x0.npy', 'x1.npy', '-o', 'out.acc', '--quiet'], ['out.acc'],
             dict(npys, **self.seedfiles('h.json')), ['--shard', '--chunk-frames', '--threads']),
            ('update', ['update', 'h.json', 'h.acc', '-o', 'out.json', '--quiet'], ['out.json'],
             self.seedfiles('h.json', 'h.acc'), ['--variance-floor', '--reg-covar']),
        ]
        name, base, outs, files, options = r.choice(templates)
        base = list(base)
        n = 1 if r.random() < 0.8 else 2
        chosen = []
        for _ in range(n):
            opt = r.choice(options)
            val = self.option_value(opt)
            if name == 'train' and opt == '--vtln-warps':
                base = [b for b in base if b != '--no-vtln']
            if opt in base:
                i = base.index(opt)
                base[i + 1] = val
            else:
                base += [opt, val]
            chosen.append((opt, val))
        files = dict(files)
        return Case('option', 'option', base, files, [o for o, _ in chosen], outs,
                    '%s with %s' % (name, ', '.join('%s %r' % c for c in chosen)))

    def option_value(self, opt):
        r = self.rng
        special = {
            '--speed-perturbation': ['0', '-1', 'nan', '1e308', '0.9,,1', '1e-300', 'inf', '1,1,1,1',
                                     '0.0001', '1000'],
            '--vtln-warps': ['0:0:0', '1:2:0', '0.8:1.2:1e-300', 'nan', '1,nan', '2:1:0.1', '',
                             '0.8:1.2:-0.1', '1e308', '0', '-1', '0.8:1.2:nan', '0.5:2:1e-7',
                             '1:inf:1'],
            '--split': ['takes:0-0/0-0', 'takes:5-1/0-0', 'fraction:nan', 'fraction:1',
                        'fraction:0', 'fraction:-1', 'speaker:nobody', 'takes:0-9223372036854775807/0-1',
                        'takes:-1-2/0-1', 'fraction:inf', 'speaker:', 'takes:', 'x'],
            '--shard': ['0/0', '1/1', '-1/2', '9223372036854775807/2', '0/9223372036854775807',
                        'a/b', '0', '2/1', '0/1', '1/2', '0/-1', '/'],
        }
        if opt in special and r.random() < 0.8:
            return r.choice(special[opt])
        return r.choice(OPTION_VALUES)

    # ---------------------------------------------------------------- odd paths

    def gen_path(self):
        r = self.rng
        oddities = ['fifo', 'fifo', 'dir', 'devnull', 'devzero', 'missing', 'empty', 'loop',
                    'symlink-dir', 'socket', 'spaces', 'newline']
        odd = r.choice(oddities)
        templates = [
            (['gmm', 'score', 'g.json', '@'], [], 'npy'),
            (['gmm', 'score', '@', 'x0.npy'], [], 'json'),
            (['gmm', 'fit', '@', '--components', '2', '-o', 'out.json', '--quiet'], ['out.json'], 'npy'),
            (['hmm', 'score', 'h.json', '@'], [], 'npy'),
            (['hmm', 'decode', '@', 'x0.npy'], [], 'json'),
            (['hmm', 'fit', 'x0.npy', '@', '--states', '2', '-o', 'out.json', '--quiet'], ['out.json'], 'npy'),
            (['acc', 'h.json', '@', '-o', 'out.acc', '--quiet'], ['out.acc'], 'npy'),
            (['acc', '@', 'x0.npy', '-o', 'out.acc', '--quiet'], ['out.acc'], 'json'),
            (['sum-accs', 'h.acc', '@', '-o', 'out.acc', '--quiet'], ['out.acc'], 'acc'),
            (['update', 'h.json', '@', '-o', 'out.json', '--quiet'], ['out.json'], 'acc'),
            (['hmm', 'score', 'h39.json', 'scp:@'], [], 'scp'),
            (['gmm', 'score', 'g39.json', 'ark:@'], [], 'ark'),
            (['features', '@', '-o', 'out.npy', '--quiet'], ['out.npy'], 'wav'),
            (['recognize', 'rec.json', '@'], [], 'wav'),
            (['recognize', '@', 'a.wav'], [], 'json'),
            (['evaluate', '@', 'corpus', '--quiet'], [], 'json'),
            (['train', '@', '-o', 'out.json', '--quiet'] + self.train_opts[:-1], ['out.json'], 'tsv'),
            (['hmm', 'fit', 'x0.npy', 'x1.npy', '--states', '2', '--iterations', '4', '--stream',
              '--resume', '--checkpoint', '@', '-o', 'out.json', '--quiet'], ['out.json'], 'ckpt'),
            (['hmm', 'fit', 'x0.npy', '--states', '2', '--iterations', '2', '--start-from', '@',
              '-o', 'out.json', '--quiet'], ['out.json'], 'json'),
        ]
        cmd, outs, ext = r.choice(templates)
        files = self.seedfiles('g.json', 'h.json', 'x0.npy', 'x1.npy', 'h.acc', 'rec.json',
                               'h39.json', 'g39.json', 'f.ark', 'f.scp')
        for n in self.archive_names('f.ark', 'f.scp'):
            files[n] = self.seeds[n]
        files['a.wav'] = self.seeds['corpus/0_george_0.wav']
        if cmd[0] in ('evaluate', 'train'):
            files.update(self.corpus_files())
        name = 'odd.' + ext
        culprit = name
        output_capable = ext == 'ckpt'
        if odd == 'fifo':
            files[name] = ('fifo',)
        elif odd == 'dir':
            files[name] = ('dir',)
        elif odd == 'devnull':
            if output_capable:
                files[name] = ('fifo',)
                odd = 'fifo'
            else:
                name = culprit = '/dev/null'
        elif odd == 'devzero':
            if output_capable:
                files[name] = ('dir',)
                odd = 'dir'
            else:
                name = culprit = '/dev/zero'
        elif odd == 'missing':
            pass
        elif odd == 'empty':
            files[name] = b''
        elif odd == 'loop':
            files[name] = ('symlink', name)
        elif odd == 'symlink-dir':
            files['adir'] = ('dir',)
            files[name] = ('symlink', 'adir')
        elif odd == 'socket':
            files[name] = ('socket',)
        elif odd in ('spaces', 'newline'):
            # A valid file under an unusual name: should just work.
            name = ('odd name é %s.' if odd == 'spaces' else 'odd\nname.') + ext
            culprit = name
            content = {'npy': self.seeds['x0.npy'], 'json': None, 'acc': self.seeds['h.acc'],
                       'scp': self.seeds['f.scp'], 'ark': self.seeds['f.ark'],
                       'wav': self.seeds['corpus/0_george_0.wav'], 'tsv': self.seeds['m.tsv'],
                       'ckpt': self.seeds['h.ckpt']}[ext]
            if ext == 'json':
                content = self.seeds['rec.json' if cmd[0] in ('recognize', 'evaluate') else
                                     ('g.json' if cmd[0] == 'gmm' else 'h.json')]
            files[name] = content
        cmd = [name if a == '@' else a.replace('@', name) for a in cmd]
        return Case('path-' + odd, 'path', cmd, files, [culprit], outs,
                    '%s given as the .%s argument' % (odd, ext))

    def gen_output_path(self):
        r = self.rng
        odd = r.choice(['dir', 'nodir', 'fifo', 'same-as-input', 'dot-tmp', 'trailing-slash'])
        templates = [
            (['gmm', 'fit', 'x0.npy', '--components', '2', '-o', '@', '--quiet'], 'json'),
            (['hmm', 'fit', 'x0.npy', '--states', '2', '-o', '@', '--quiet'], 'json'),
            (['acc', 'h.json', 'x0.npy', '-o', '@', '--quiet'], 'acc'),
            (['sum-accs', 'h.acc', '-o', '@', '--quiet'], 'acc'),
            (['update', 'h.json', 'h.acc', '-o', '@', '--quiet'], 'json'),
            (['features', 'a.wav', '-o', '@', '--quiet'], 'npy'),
            (['features', 'a.wav', '--format', 'ark', '-o', '@', '--quiet'], 'ark'),
            (['train', 'corpus', '-o', '@', '--quiet'] + self.train_opts[:-1], 'json'),
        ]
        cmd, ext = r.choice(templates)
        files = self.seedfiles('h.json', 'x0.npy', 'h.acc')
        files['a.wav'] = self.seeds['corpus/0_george_0.wav']
        if cmd[0] == 'train':
            files.update(self.corpus_files())
        outs = []
        name = 'out.' + ext
        kind = 'path'
        if odd == 'dir':
            files[name] = ('dir',)
        elif odd == 'nodir':
            name = 'nodir/out.' + ext
        elif odd == 'fifo':
            files[name] = ('fifo',)
        elif odd == 'same-as-input':
            name = {'json': 'h.json', 'acc': 'h.acc', 'npy': 'x0.npy', 'ark': 'x0.npy'}[ext]
            if cmd[0] == 'gmm' or (cmd[0] == 'hmm' and name == 'h.json'):
                pass
            kind = 'same'
        elif odd == 'dot-tmp':
            files['.out.%s.tmp-ABCDEF' % ext] = b'left over from a killed run'
            outs = [name]
            kind = 'dot-tmp'
        elif odd == 'trailing-slash':
            name = 'out.%s/' % ext
        cmd = [name if a == '@' else a for a in cmd]
        if ext == 'ark' and odd in ('dot-tmp',):
            outs = [name, 'out.scp']
        return Case('output-' + odd, 'path' if kind == 'path' else 'data', cmd, files,
                    [name.rstrip('/')], outs, 'output path: %s' % odd,
                    leftover_tmp=('.out.%s.tmp-ABCDEF' % ext) if odd == 'dot-tmp' else None,
                    same_output=(kind == 'same'))

    def gen_disk_full(self):
        r = self.rng
        files = self.seedfiles('h.json', 'g.json', 'x0.npy', 'x1.npy', 'h.acc', 'g.acc')
        files['a.wav'] = self.seeds['corpus/0_george_0.wav']
        files['b.wav'] = self.seeds['corpus/1_jackson_1.wav']
        templates = [
            (['gmm', 'fit', 'x0.npy', '--components', '2', '-o', 'out.json', '--quiet'], ['out.json']),
            (['hmm', 'fit', 'x0.npy', '--states', '2', '-o', 'out.json', '--quiet'], ['out.json']),
            (['hmm', 'fit', 'x0.npy', 'x1.npy', '--states', '2', '--iterations', '3', '--stream',
              '-o', 'out.json', '--quiet'], ['out.json']),
            (['acc', 'h.json', 'x0.npy', '-o', 'out.acc', '--quiet'], ['out.acc']),
            (['sum-accs', 'h.acc', 'h.acc', '-o', 'out.acc', '--quiet'], ['out.acc']),
            (['update', 'h.json', 'h.acc', '-o', 'out.json', '--quiet'], ['out.json']),
            (['update', 'g.json', 'g.acc', '-o', 'out.json', '--quiet'], ['out.json']),
            (['features', 'a.wav', '-o', 'out.npy', '--quiet'], ['out.npy']),
            (['features', 'a.wav', 'b.wav', '--format', 'ark', '-o', 'out.ark', '--quiet'],
             ['out.ark', 'out.scp']),
            (['features', 'a.wav', 'b.wav', '--format', 'ark-text', '-o', 'out.ark', '--quiet'],
             ['out.ark', 'out.scp']),
            (['train', 'corpus', '-o', 'out.json', '--quiet'] + self.train_opts[:-1], ['out.json']),
        ]
        cmd, outs = r.choice(templates)
        if cmd[0] == 'train':
            files.update(self.corpus_files())
        fsize = r.choice([0, 1, 100, 500, 1000, 3000, 12000])
        return Case('disk-full', 'path', cmd, files, outs[:1], outs,
                    'every file write limited to %d bytes (EFBIG, as a full disk)' % fsize,
                    fsize=fsize, disk_full=True)

    def gen_plot(self):
        r = self.rng
        files = self.seedfiles('x0.npy')
        files['a.wav'] = self.seeds['corpus/0_george_0.wav']
        where = r.choice([('plot.svg', ('dir',)), ('nodir/plot.svg', None), ('plot.svg', ('fifo',))])
        cmd = r.choice([['gmm', 'fit', 'x0.npy', '--components', '2', '-o', 'out.json', '--plot',
                         where[0], '--quiet'],
                        ['features', 'a.wav', '-o', 'out.npy', '--plot', where[0], '--quiet']])
        if where[1]:
            files[where[0]] = where[1]
        return Case('plot-path', 'path', cmd, files, [where[0]], [],
                    '--plot at an unwritable path (%s)' % (where[1] or ('missing folder',))[0])

    # ---------------------------------------------------------------- materialise and check

    def materialise(self, case, wd):
        setup = ['#!/bin/sh', '# recreates the special files of this case', 'set -e']
        for name, content in sorted(case.files.items(), key=lambda kv: kv[0]):
            p = os.path.join(wd, name)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            if isinstance(content, bytes):
                with open(p, 'wb') as f:
                    f.write(content)
            elif content[0] == 'fifo':
                os.mkfifo(p)
                setup.append('mkfifo %s' % shq(name))
            elif content[0] == 'dir':
                os.makedirs(p, exist_ok=True)
                setup.append('mkdir -p %s' % shq(name))
            elif content[0] == 'symlink':
                os.symlink(content[1], p)
                setup.append('ln -s %s %s' % (shq(content[1]), shq(name)))
            elif content[0] == 'socket':
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.bind(p)
                s.close()
                setup.append("python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' %s"
                             % shq(name))
        return setup

    def snapshot(self, wd):
        out = {}
        for root, dirs, files in os.walk(wd):
            for n in files + dirs:
                p = os.path.join(root, n)
                try:
                    st = os.lstat(p)
                except OSError:
                    continue
                out[os.path.relpath(p, wd)] = (st.st_mode, st.st_size, st.st_mtime_ns)
        return out

    def check(self, case, wd, rc, out, err, hung, stale, before):
        problems = []
        so = out.decode(errors='replace')
        se = err.decode(errors='replace')
        if hung:
            problems.append(('hang', 'no exit within %d s' % self.args.timeout))
            return problems
        if rc < 0:
            try:
                sig = signal.Signals(-rc).name
            except ValueError:
                sig = str(-rc)
            problems.append(('signal', 'killed by %s' % sig))
            return problems
        if rc not in (0, 1, 64):
            problems.append(('exit-code', 'exit %d' % rc))
        if rc == 64 and case.kind != 'option':
            problems.append(('exit-64-for-data', 'exit 64 for a data/file problem'))
        for marker in RAW_ERROR_MARKERS:
            if marker in se or marker in so:
                problems.append(('raw-error-text', 'output contains %r' % marker))
                break
        for marker in SWIFT_DECODING_MARKERS:
            if marker in se:
                problems.append(('decoding-error-text', 'stderr has the raw Swift decoding error '
                                 '(%r)' % marker))
                break
        if case.extra.get('disk_full') and rc == 0 and case.extra['fsize'] < 100:
            problems.append(('missing-output', 'exit 0 although no output file can be written '
                             '(limit %d bytes)' % case.extra['fsize']))
        if rc == 1 and case.kind in ('data', 'path') and 'Usage:' in se:
            problems.append(('usage-for-data', 'usage block printed for a data problem'))
        after = self.snapshot(wd)
        new_tmp = [p for p in after if p not in before and
                   re.search(r'(^|/)\.[^/]*tmp|\.tmp(-|$)|\.partial', p)]
        if new_tmp:
            problems.append(('temp-left', 'temporary files left: %s' % ', '.join(sorted(new_tmp)[:5])))
        lt = case.extra.get('leftover_tmp')
        if lt and rc == 0 and os.path.lexists(os.path.join(wd, lt)):
            problems.append(('temp-left', 'a temporary file of a killed run (%s) survived a '
                             'successful write into that folder' % lt))
        if rc == 0:
            bad = nonfinite_in_stdout(so, set(case.extra.get('label_words', [])))
            if bad:
                problems.append(('nonfinite-stdout', 'stdout has %s' % bad))
            for o in case.outputs:
                problems.extend(self.check_output(wd, o, stale))
        elif 'ark_output' in case.extra and rc == 1:
            # Several inputs, one unreadable: the archive of the readable ones may be written
            # (documented: exit 1 = some files failed), but archive and index only as a pair.
            ark, scp = case.extra['ark_output']
            pa, ps = os.path.join(wd, ark), os.path.join(wd, scp)
            exists = [os.path.isfile(x) for x in (pa, ps)]
            old = [e and open(x, 'rb').read() == STALE for e, x in zip(exists, (pa, ps))]
            fresh = [e and not o for e, o in zip(exists, old)]
            if fresh[0] != fresh[1]:
                problems.append(('stale-output' if stale else 'output-after-failure',
                                 'exit 1 and only one of %s, %s is new (%s): archive and index '
                                 'not published as a pair' % (ark, scp, ark if fresh[0] else scp)))
            elif fresh[0]:
                problems.extend(self.check_output(wd, scp, stale))
                problems.extend(self.check_output(wd, ark, stale))
                keys = [l.split(' ', 1)[0] for l in open(ps, errors='replace').read().splitlines()]
                if 'a' in keys:
                    problems.append(('bad-output', 'exit 1 but the failed input a.wav is in %s'
                                     % scp))
        else:
            for o in case.outputs:
                p = os.path.join(wd, o)
                if case.extra.get('same_output'):
                    continue
                if stale:
                    if not os.path.isfile(p) or open(p, 'rb').read() != STALE:
                        problems.append(('output-after-failure',
                                         'exit %d but the old %s was replaced or removed' % (rc, o)))
                elif os.path.lexists(p) and o not in before:
                    problems.append(('output-after-failure', 'exit %d but %s was written' % (rc, o)))
        if rc == 1 and 'features_dir' in case.extra:
            d, mapping, bad = case.extra['features_dir']
            if os.path.lexists(os.path.join(wd, d, mapping[bad])):
                problems.append(('output-after-failure', 'exit 1 but %s/%s of the failed input '
                                 'was written' % (d, mapping[bad])))
        # Messages name the culprit.
        if rc == 1 and case.kind in ('data', 'path'):
            names = set()
            for c in case.culprits:
                names.add(c)
                names.add(os.path.basename(c.rstrip('/')))
                names.add(c.replace('\n', '\\n'))
            if not any(n and n in se for n in names):
                problems.append(('message-no-file', 'exit 1 but stderr does not name %s: %s' %
                                 (' or '.join(sorted(set(case.culprits))), se.strip()[-300:])))
        if rc == 64 and case.kind == 'option':
            if not any(c in se for c in case.culprits):
                problems.append(('message-no-option', 'exit 64 but stderr does not name %s: %s' %
                                 (', '.join(case.culprits), se.strip()[-200:])))
        # Silent drops.
        if rc == 0:
            problems.extend(self.check_drops(case, wd, so, se))
        return problems

    def check_output(self, wd, o, stale):
        p = os.path.join(wd, o)
        if not os.path.isfile(p):
            return [('missing-output', 'exit 0 but %s is missing' % o)]
        data = open(p, 'rb').read()
        if data == STALE:
            return [('stale-output', 'exit 0 but %s still holds the old contents' % o)]
        try:
            if o.endswith('.json'):
                bad = []
                obj = json.loads(data, parse_constant=lambda c: bad.append(c) or 0.0)
                if bad or not all_finite(obj):
                    return [('nonfinite-output', '%s has non-finite numbers %s' % (o, bad[:3]))]
            elif o.endswith('.npy'):
                a = np.load(io.BytesIO(data), allow_pickle=False)
                if a.dtype.kind == 'f' and not np.isfinite(a).all():
                    return [('nonfinite-output', '%s has %d non-finite values' %
                             (o, int((~np.isfinite(a)).sum())))]
            elif o.endswith('.acc'):
                if data[:8] != b'HMMKSTAT' or struct.unpack('<Q', data[-8:])[0] != fnv1a(data[:-8]):
                    return [('bad-output', '%s is not a valid statistics file' % o)]
                _, body = self.split_stats(data)
                v = np.frombuffer(body, dtype='<f8')
                if not np.isfinite(v).all():
                    return [('nonfinite-output', '%s has non-finite statistics' % o)]
            elif o.endswith('.scp'):
                for line in data.decode().splitlines():
                    key, rest = line.split(' ', 1)
                    path, off = rest.rsplit(':', 1)
                    ark = os.path.join(os.path.dirname(p), path)
                    if not os.path.isfile(ark):
                        return [('bad-output', '%s names %s, which does not exist' % (o, path))]
                    size = os.path.getsize(ark)
                    if int(off) >= size:
                        return [('bad-output', '%s offset %s beyond the archive' % (o, off))]
                    with open(ark, 'rb') as f:
                        f.seek(int(off) - len(key) - 1)
                        if f.read(len(key) + 1) != (key + ' ').encode():
                            return [('bad-output', '%s entry %s does not point at its key in '
                                     'the archive' % (o, key))]
            elif o.endswith('.ark'):
                if data[:200].find(b'\0B') < 0:
                    if NONFINITE_RE.search(data.decode(errors='replace')):
                        return [('nonfinite-output', '%s (text) has nan/inf' % o)]
                else:
                    i = data.find(b'\0BFM ')
                    while i >= 0:
                        rows, cols = struct.unpack('<i', data[i + 6:i + 10])[0], \
                            struct.unpack('<i', data[i + 11:i + 15])[0]
                        vals = np.frombuffer(data[i + 15:i + 15 + 4 * rows * cols], dtype='<f4')
                        if not np.isfinite(vals).all():
                            return [('nonfinite-output', '%s has non-finite values' % o)]
                        i = data.find(b'\0BFM ', i + 15 + 4 * rows * cols)
        except Exception as e:  # noqa: BLE001 - any parse failure is a finding
            return [('bad-output', '%s cannot be read: %s' % (o, e))]
        return []

    def check_drops(self, case, wd, so, se):
        problems = []
        x = case.extra
        culprit = case.culprits[0]
        named = culprit in se or culprit in so
        if 'single_feature_input' in x:
            p = os.path.join(wd, 'out.npy')
            if os.path.isfile(p):
                try:
                    a = np.load(p)
                    if a.ndim == 2 and a.shape[0] == 0 and culprit not in se:
                        problems.append(('silent-drop', 'a 0-row matrix without a warning naming '
                                         'the file'))
                except Exception:
                    pass
        if 'features_dir' in x:
            d, mapping, bad = x['features_dir']
            for src, dst in mapping.items():
                if not os.path.isfile(os.path.join(wd, d, dst)):
                    problems.append(('silent-drop', 'exit 0 but %s/%s was not written' % (d, dst)))
                else:
                    try:
                        a = np.load(os.path.join(wd, d, dst))
                        if a.dtype.kind == 'f' and not np.isfinite(a).all():
                            problems.append(('nonfinite-output', '%s/%s has non-finite values' % (d, dst)))
                    except Exception as e:
                        problems.append(('bad-output', '%s/%s cannot be read: %s' % (d, dst, e)))
        if 'ark_output' in x:
            ark, scp = x['ark_output']
            if os.path.isfile(os.path.join(wd, scp)):
                keys = [l.split(' ', 1)[0] for l in open(os.path.join(wd, scp)).read().splitlines()]
                if 'a' not in keys and not named:
                    problems.append(('silent-drop', 'exit 0 but key a (a.wav) is not in %s' % scp))
        if 'recognize_inputs' in x and case.cmd[0] == 'recognize':
            for w in x['recognize_inputs']:
                if w not in so and w not in se:
                    problems.append(('silent-drop', 'exit 0 but %s has no result and no message' % w))
        if 'evaluate_culprit' in x:
            if not named:
                try:
                    j = json.loads(so)
                    if j.get('count') != len(self.wavs) + 1:
                        problems.append(('silent-drop', 'evaluate counted %s of %d files and did '
                                         'not name %s' % (j.get('count'), len(self.wavs) + 1, culprit)))
                except ValueError:
                    m = re.search(r'N=(\d+)\]', so)
                    if m and int(m.group(1)) != len(self.wavs) + 1:
                        problems.append(('silent-drop', 'evaluate N=%s of %d files and did not '
                                         'name %s' % (m.group(1), len(self.wavs) + 1, culprit)))
        if 'train_corpus_size' in x and case.cmd[0] == 'train':
            p = os.path.join(wd, 'out.json')
            try:
                rec = json.loads(open(p, 'rb').read())
                used = sum(rec.get('trainingCounts', []))
                speeds = 1
                if used < x['train_corpus_size'] and not any(c in se for c in case.culprits):
                    problems.append(('silent-drop', 'train used %d of %d recordings and stderr does '
                                     'not name %s' % (used, x['train_corpus_size'],
                                                      ' or '.join(case.culprits))))
                del speeds
            except Exception:
                pass
        return problems

    # ---------------------------------------------------------------- main loop

    def generators(self):
        return [(self.gen_npy, 14), (self.gen_model_json, 14), (self.gen_stats, 10),
                (self.gen_checkpoint, 7), (self.gen_ark, 9), (self.gen_wav, 16),
                (self.gen_recognizer, 10), (self.gen_manifest, 5), (self.gen_option, 14),
                (self.gen_path, 8), (self.gen_output_path, 4), (self.gen_disk_full, 5),
                (self.gen_plot, 2)]

    def one(self, idx):
        gens = self.generators()
        if self.args.only:
            gens = [(g, w) for g, w in gens if any(o in g.__name__ for o in self.args.only)]
        g = self.rng.choices([g for g, _ in gens], weights=[w for _, w in gens])[0]
        case = g()
        self.case_counts[case.family] = self.case_counts.get(case.family, 0) + 1
        wd = tempfile.mkdtemp(prefix='c%06d-' % idx, dir=self.work_root)
        setup = self.materialise(case, wd)
        stale = bool(case.outputs) and self.rng.random() < 0.5
        if stale:
            for o in case.outputs:
                p = os.path.join(wd, o)
                if not os.path.lexists(p):
                    os.makedirs(os.path.dirname(p), exist_ok=True)
                    with open(p, 'wb') as f:
                        f.write(STALE)
                    os.utime(p, (946684800, 946684800))
                    setup.append("printf 'STALE-SENTINEL\\n' > %s; touch -d 2000-01-01 %s" %
                                 (shq(o), shq(o)))
        before = self.snapshot(wd)
        fsize = case.extra.get('fsize', 1 << 30)
        rc, out, err, hung, secs = self.run(case.cmd, wd, self.args.timeout, fsize)
        problems = self.check(case, wd, rc, out, err, hung, stale, before)
        if hung and case.kind != 'path':
            # A hang, or only slow on a loaded machine? Run again with three times the time.
            wd2 = tempfile.mkdtemp(prefix='r%06d-' % idx, dir=self.work_root)
            self.materialise(case, wd2)
            rc2, _, err2, hung2, secs2 = self.run(case.cmd, wd2, 3 * self.args.timeout, fsize)
            shutil.rmtree(wd2, ignore_errors=True)
            problems[0] = ('hang', problems[0][1] + (
                '; again no exit within %d s' % (3 * self.args.timeout) if hung2 else
                '; a second run ended after %.1f s with exit %s' % (secs2, rc2)))
        warnings = [p for p in problems if p[0] in WARN_KINDS]
        problems = [p for p in problems if p[0] not in WARN_KINDS]
        if warnings:
            self.warned += 1
            self.record(idx, case, wd, setup, rc, out, err, hung, 0, warnings, stale, warn=True)
        if problems:
            self.failed += 1
            self.record(idx, case, wd, setup, rc, out, err, hung, secs, problems, stale)
        else:
            self.passed += 1
        shutil.rmtree(wd, ignore_errors=True)
        return problems

    def record(self, idx, case, wd, setup, rc, out, err, hung, secs, problems, stale, warn=False):
        sig = (problems[0][0], case.command_name(), case.family)
        counts = self.warning_counts if warn else self.signature_counts
        n = counts.get(sig, 0) + 1
        counts[sig] = n
        if warn:
            with open(os.path.join(self.out, 'warnings.jsonl'), 'a') as f:
                f.write(json.dumps({'case': idx, 'command': 'hmmkit ' + ' '.join(case.cmd),
                                    'input': case.desc, 'exit': rc, 'problems': problems,
                                    'stderr_tail': err.decode(errors='replace')[-400:]}) + '\n')
            return
        entry = {'case': idx, 'family': case.family, 'command': 'hmmkit ' + ' '.join(case.cmd),
                 'limits': 'RLIMIT_AS %d MiB%s' % (self.args.memory_mb, (
                     ', RLIMIT_FSIZE %d bytes with SIGXFSZ ignored (a full disk)' %
                     case.extra['fsize']) if 'fsize' in case.extra else ''),
                 'input': case.desc, 'exit': rc, 'hung': hung, 'seconds': round(secs, 2),
                 'problems': problems, 'stale_output_preexisting': stale,
                 'stderr_tail': err.decode(errors='replace')[-600:],
                 'stdout_head': out.decode(errors='replace')[:300]}
        if n <= self.args.keep_per_signature:
            d = os.path.join(self.out, 'findings', '%d' % (len(self.findings) + 1))
            os.makedirs(d)
            for name, content in case.files.items():
                if isinstance(content, bytes):
                    p = os.path.join(d, 'inputs', name)
                    os.makedirs(os.path.dirname(p), exist_ok=True)
                    with open(p, 'wb') as f:
                        f.write(content)
            with open(os.path.join(d, 'setup.sh'), 'w') as f:
                f.write('\n'.join(setup) + '\n')
            with open(os.path.join(d, 'cmd.sh'), 'w') as f:
                f.write('#!/bin/sh\n# run inside a copy of inputs/ after setup.sh\n'
                        'HMMKIT=${HMMKIT:-%s}\nulimit -v %d\n%s"$HMMKIT" %s\necho "exit $?"\n' %
                        (self.hmmkit, self.args.memory_mb * 1024,
                         ("ulimit -f %d  # 512-byte blocks; Python's harness ignores SIGXFSZ\n"
                          "trap '' XFSZ\n" % max(1, case.extra['fsize'] // 512))
                         if 'fsize' in case.extra else '',
                         ' '.join(shq(a) for a in case.cmd)))
            with open(os.path.join(d, 'result.json'), 'w') as f:
                json.dump(entry, f, indent=2)
            entry['dir'] = d
            self.findings.append(entry)
        with open(os.path.join(self.out, 'failures.jsonl'), 'a') as f:
            f.write(json.dumps(entry) + '\n')

    def main(self):
        t0 = time.time()
        self.make_seeds()
        setup_s = time.time() - t0
        deadline = time.time() + self.args.seconds
        idx = 0
        last = time.time()
        while time.time() < deadline and (self.args.cases == 0 or idx < self.args.cases):
            idx += 1
            problems = self.one(idx)
            if problems and not self.args.quiet:
                print('FAIL case %d: %s' % (idx, '; '.join('%s: %s' % p for p in problems)[:300]),
                      flush=True)
            if time.time() - last > 30 and not self.args.quiet:
                last = time.time()
                print('... %d cases, %d failed, %.0f s left' %
                      (idx, self.failed, deadline - time.time()), flush=True)
        summary = {'cases': idx, 'passed': self.passed, 'failed': self.failed,
                   'seconds': round(time.time() - t0, 1), 'setup_seconds': round(setup_s, 1),
                   'seed': self.args.seed, 'hmmkit': self.hmmkit,
                   'families': self.case_counts,
                   'signatures': [{'problem': k[0], 'command': k[1], 'family': k[2], 'count': v}
                                  for k, v in sorted(self.signature_counts.items(),
                                                     key=lambda kv: -kv[1])],
                   'warnings': [{'problem': k[0], 'command': k[1], 'family': k[2], 'count': v}
                                for k, v in sorted(self.warning_counts.items(),
                                                   key=lambda kv: -kv[1])]}
        with open(os.path.join(self.out, 'summary.json'), 'w') as f:
            json.dump(summary, f, indent=2)
        for s in summary['signatures']:
            print('%5d  %-20s %-14s %s' % (s['count'], s['problem'], s['command'], s['family']))
        for s in summary['warnings']:
            print('%5d  warning: %-11s %-14s %s' % (s['count'], s['problem'], s['command'],
                                                     s['family']))
        print('%d passed, %d failed' % (self.passed, self.failed))
        return 1 if self.failed else 0


STALE = b'STALE-SENTINEL\n'


def shq(s):
    return "'" + s.replace("'", "'\\''") + "'"


def nonfinite_in_stdout(text, words=frozenset()):
    """A description of the first non-finite number printed, or None. JSON is checked by
    value (message strings such as "NaN or infinite" are not numbers); text by token."""
    stripped = text.strip()
    if stripped[:1] in '{[':
        try:
            bad = []
            obj = json.loads(stripped, parse_constant=lambda c: bad.append(c) or 0.0)
            if bad:
                return 'the JSON constant %s' % bad[0]
            if not all_finite(obj):
                return 'a JSON number that overflows to infinity'
            return None
        except ValueError:
            pass
    text = '\n'.join(l for l in text.splitlines() if not re.search(r'finite|repair', l))
    tokens = re.split(r'[\s,;:()\[\]=]+', text)
    for i, t in enumerate(tokens):
        if t in words:
            continue  # a label the recognizer file names "inf" or "NaN"
        if NONFINITE_RE.fullmatch(t) and not (i + 1 < len(tokens) and tokens[i + 1] in
                                               ('or', 'and', 'not')):
            j = text.find(t)
            return '%r: ...%s...' % (t, text[max(0, j - 60):j + 20])
    return None


def all_finite(obj):
    if isinstance(obj, float):
        return math.isfinite(obj)
    if isinstance(obj, dict):
        return all(all_finite(v) for v in obj.values())
    if isinstance(obj, list):
        return all(all_finite(v) for v in obj)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--hmmkit', required=True, help='the hmmkit binary to test')
    ap.add_argument('--seconds', type=float, default=60, help='time budget for the mutants')
    ap.add_argument('--cases', type=int, default=0, help='stop after this many cases (0 = time only)')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--out', required=True, help='folder for seeds, work folders and findings')
    ap.add_argument('--timeout', type=float, default=20, help='seconds before a run counts as a hang')
    ap.add_argument('--memory-mb', type=int, default=3072,
                    help='address-space limit of each run (RLIMIT_AS), MiB')
    ap.add_argument('--keep-per-signature', type=int, default=4,
                    help='reproducers kept per (problem, command, family)')
    ap.add_argument('--demo-data', default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                        '..', '..', 'Data', 'fsdd-demo'))
    ap.add_argument('--only', action='append', default=[],
                    help='only the generators whose name contains this (npy, model_json, stats, '
                         'checkpoint, ark, wav, recognizer, manifest, option, path, output_path, '
                         'disk_full, plot); repeatable')
    ap.add_argument('--quiet', action='store_true')
    args = ap.parse_args()
    if not os.path.isfile(os.path.join(args.demo_data, '0_george_0.wav')):
        ap.error('no FSDD demo recordings in %s (--demo-data)' % args.demo_data)
    sys.exit(Campaign(args).main())


if __name__ == '__main__':
    main()
