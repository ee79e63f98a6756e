#!/usr/bin/env python3
"""Where the time goes under one frame of a dotnet-trace profile (docs/benchmarks.md, "Profiling").

Usage: dotnet-trace convert t.nettrace --format Speedscope -o t
       python3 bench/trace-subtree.py t.speedscope.json "PriceDetector.Detect" [N]
Prints, for the samples whose stack contains a frame matching the text, the deepest TradeAnalyzer frame and the leaf
frame with their share (sampled thread time, so waits count too)."""
import json,sys,collections
path,target=sys.argv[1],sys.argv[2]
d=json.load(open(path))
frames=[f['name'] for f in d['shared']['frames']]
pseudo={i for i,f in enumerate(frames) if f in('CPU_TIME','UNMANAGED_CODE_TIME')}
def short(n):
    n=n.split('!',1)[-1]; return n[:100]
leaf=collections.Counter(); own=collections.Counter(); total=0.0
for p in d['profiles']:
    if p.get('type')!='evented': continue
    stack=[]; last=None
    for e in p['events']:
        t=e['at']
        if last is not None and stack and stack[-1] not in pseudo or (stack and stack[-1] in pseudo and frames[stack[-1]]=='CPU_TIME'):
            dt=t-last if last is not None else 0
            idx=[i for i,f in enumerate(stack) if target in frames[f]]
            if idx:
                total+=dt
                real=[f for f in stack if f not in pseudo]
                leaf[short(frames[real[-1]])]+=dt
                ta=[f for f in real[idx[0]:] if 'TradeAnalyzer' in frames[f]]
                own[short(frames[ta[-1]])]+=dt
        last=t
        if e['type']=='O': stack.append(e['frame'])
        else:
            if stack: stack.pop()
print('total ms %.0f'%total)
print('-- deepest own frame'); 
for k,v in own.most_common(int(sys.argv[3]) if len(sys.argv)>3 else 20): print('%7.0f %5.1f%% %s'%(v,100*v/total,k))
print('-- leaves')
for k,v in leaf.most_common(int(sys.argv[3]) if len(sys.argv)>3 else 20): print('%7.0f %5.1f%% %s'%(v,100*v/total,k))
