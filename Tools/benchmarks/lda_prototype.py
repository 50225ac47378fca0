# Prototype of issue 16 (BENCHMARKS.md "Unknown voices"): does a spliced LDA front end (±4 frames of 13
# utterance-normalised MFCCs, LDA to 40 dimensions from state alignments) beat 13 + deltas + ddeltas
# for voices not in training? Leave-one-speaker-out on FSDD; word models trained and scored by
# hmmkit hmm fit/score/decode (HK below); run with the peers' venv (python_speech_features, scipy).
import os, sys, json, subprocess, numpy as np, scipy.io.wavfile as wf, scipy.linalg as sl, shutil
from python_speech_features import mfcc, delta
HK=os.environ.get('HMMKIT','.build/release/hmmkit')
D=os.environ.get('FSDD','../shared/data/fsdd/recordings'); W=os.environ.get('WORK','/tmp/hmmkit-lda')
files=sorted(os.listdir(D))
os.makedirs(W,exist_ok=True); cache=f'{W}/mfcc.npz'
if os.path.exists(cache): feats=dict(np.load(cache))
else:
    feats={}
    for f in files:
        sr,x=wf.read(os.path.join(D,f)); feats[f]=mfcc(x.astype(float),sr,numcep=13,nfilt=26,nfft=512,winfunc=np.hamming)
    np.savez(cache,**feats)
def cmvn(m): return (m-m.mean(0))/(m.std(0)+1e-8)
def d39(m):
    m=cmvn(m); d1=delta(m,2); d2=delta(d1,2); return np.hstack([m,d1,d2])
K=int(os.environ.get('SPLICE','4')); DIM=int(os.environ.get('DIM','40'))
def splice(m):
    m=cmvn(m); T=len(m); idx=np.clip(np.arange(T)[:,None]+np.arange(-K,K+1)[None,:],0,T-1)
    return m[idx].reshape(T,-1)
S=12
FIT=['--states',str(S),'--mixtures','2','--topology','left-to-right','--max-jump','1','--initialization','uniform',
     '--split-every','2','--iterations','8','--variance-floor',os.environ.get('FLOOR','0.2'),'--threads','2']
def write(tag,F,names):
    d=f'{W}/{tag}'; shutil.rmtree(d,ignore_errors=True)
    for w in '0123456789': os.makedirs(f'{d}/{w}')
    for f in names: np.save(f'{d}/{f[0]}/{f[:-4]}.npy',F[f].astype(np.float64))
    return d
def train(tag,d):
    for w in '0123456789':
        subprocess.run([HK,'hmm','fit',f'{d}/{w}','-o',f'{W}/{tag}_{w}.json','--quiet']+FIT,check=True,capture_output=True)
def score(tag,d,names):
    sc={}
    for w in '0123456789':
        out=subprocess.run([HK,'hmm','score',f'{W}/{tag}_{w}.json']+[f'{d}/{f[0]}/{f[:-4]}.npy' for f in names]+['--json'],check=True,capture_output=True).stdout
        sc[w]=json.loads(out)
    return sc
def accuracy(sc,names):
    # JSON shape: find per-sequence log-likelihoods
    def ll(j):
        for k in ('logLikelihoods','scores','sequences'):
            if k in j: v=j[k]; return [x['logLikelihood'] if isinstance(x,dict) else x for x in v]
        raise KeyError(list(j))
    L=np.array([ll(sc[w]) for w in '0123456789'])
    pred=L.argmax(0); return float(np.mean([str(p)==f[0] for p,f in zip(pred,names)]))
def decode(tag,d,names):
    al={}
    for w in '0123456789':
        nm=[f for f in names if f[0]==w]
        out=json.loads(subprocess.run([HK,'hmm','decode',f'{W}/{tag}_{w}.json']+[f'{d}/{w}/{f[:-4]}.npy' for f in nm]+['--json'],check=True,capture_output=True).stdout)
        seqs=out.get('paths') or out.get('sequences') or out.get('states')
        for f,s in zip(nm,seqs): al[f]=np.array(s['states'] if isinstance(s,dict) else s)
    return al
res={'base':[],'lda':[]}
for spk in sys.argv[1:] or ['george','jackson','lucas','nicolas']:
    tr=[f for f in files if f.split('_')[1]!=spk]; te=[f for f in files if f.split('_')[1]==spk]
    F={f:d39(feats[f]) for f in files}
    dtr=write(f'{spk}_b_tr',F,tr); dte=write(f'{spk}_b_te',F,te)
    train(f'{spk}_b',dtr); a=accuracy(score(f'{spk}_b',dte,te),te); res['base'].append(a)
    al=decode(f'{spk}_b',dtr,tr)
    X=np.vstack([splice(feats[f]) for f in tr]); Y=np.concatenate([int(f[0])*S+al[f] for f in tr])
    mu=X.mean(0); Sw=np.zeros((X.shape[1],)*2); Sb=np.zeros_like(Sw)
    for c in np.unique(Y):
        Z=X[Y==c]; m=Z.mean(0); Sw+=(Z-m).T@(Z-m); Sb+=len(Z)*np.outer(m-mu,m-mu)
    ev,V=sl.eigh(Sb/len(X),Sw/len(X)+1e-6*np.eye(len(Sw))); L=V[:,::-1][:,:DIM]
    G={f:splice(feats[f])@L for f in files}
    dtr=write(f'{spk}_l_tr',G,tr); dte=write(f'{spk}_l_te',G,te)
    train(f'{spk}_l',dtr); b=accuracy(score(f'{spk}_l',dte,te),te); res['lda'].append(b)
    print(spk, f'base {100*a:.1f}  lda {100*b:.1f}', flush=True)
for k,v in res.items(): print(k, ' '.join(f'{100*x:.1f}' for x in v), 'mean %.1f'%(100*np.mean(v)))
