"""The blind SNR estimate (hmmkit's SignalToNoiseEstimate: 25 ms frames every 10 ms, each frame's
power about its own mean, P the mean frame power, N the mean of the quietest tenth,
10*log10((P - N)/N)) of 300 random FSDD recordings, clean and with white or babble noise at 10 dB
(noise power a tenth of the whole recording's; babble: 6 recordings of other speakers, each scaled
to unit power, summed), as percentiles overall and per speaker. It set the noisy-voice threshold.

    python3 Tools/benchmarks/noisy_voice_snr_survey.py [../shared/data/fsdd/recordings]
"""
import sys
import numpy as np, glob, os
from scipy.io import wavfile
rng=np.random.default_rng(0)
folder=sys.argv[1] if len(sys.argv)>1 else '../shared/data/fsdd/recordings'
files=sorted(glob.glob(os.path.join(folder,'*.wav')))
def load(f):
    r,x=wavfile.read(f); x=x.astype(float)
    if x.ndim>1: x=x.mean(1)
    return x/32768
def est(x, frac=0.1):
    L,S=200,80
    n=max(1,1+(len(x)-L)//S)
    e=np.array([np.mean((x[i*S:i*S+L]-x[i*S:i*S+L].mean())**2) for i in range(n)])+1e-12
    k=max(1,int(np.ceil(frac*n)))
    q=np.sort(e)[:k].mean()
    return 10*np.log10(max(e.mean()-q,1e-12)/q)
sample=[files[i] for i in rng.choice(len(files),300,replace=False)]
res={'clean':[], 'white':[], 'babble':[]}
byspk={}
for f in sample:
    x=load(f); p=np.mean(x**2)
    spk=os.path.basename(f).split('_')[1]
    res['clean'].append((spk,est(x)))
    w=rng.standard_normal(len(x))*np.sqrt(p/10); res['white'].append((spk,est(x+w)))
    others=[g for g in files if os.path.basename(g).split('_')[1]!=spk]
    b=np.zeros(len(x))
    for g in rng.choice(others,6,replace=False):
        y=load(g); y=y/np.sqrt(np.mean(y**2)+1e-20); y=np.resize(y,len(x)); b+=y
    b*=np.sqrt(p/10/np.mean(b**2)); res['babble'].append((spk,est(x+b)))
for k,v in res.items():
    a=np.array([s for _,s in v]); print(k, np.percentile(a,[0,1,5,25,50,75,95,100]).round(1))
    for spk in ['george','jackson','lucas','nicolas']:
        a=np.array([s for sp,s in v if sp==spk]); print('  ',spk, np.percentile(a,[0,5,50,95,100]).round(1))
