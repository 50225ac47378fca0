// A/B of two versions of the fused full-covariance kernels in one process: rounds alternate
// version A and B (scores, then statistics), so a busy neighbour core slows both alike; prints the
// medians per frame, the median ratio B/A, B's largest difference from the features path and
// whether A and B agree bit for bit. Not part of any package (BENCHMARKS.md, full covariance).
//
//   S=Sources/CVectorMath; for v in A B; do   # $A_DIR, $B_DIR: directories with the two versions'
//     dir=$A_DIR; [ $v = B ] && dir=$B_DIR    # quadratic_fused.c + quadratic_kernels.h
//     clang -O3 -c -I$S/include -I$S -Dhmmkit_quadratic_scores_d=${v}_scores \
//       -Dhmmkit_quadratic_statistics_d=${v}_stats -Dhmmkit_quadratic_vector_width=${v}_width \
//       $dir/quadratic_fused.c -o /tmp/$v.o; done
//   clang -O3 -I$S/include Benchmarks/Kernels/fused_ab.c /tmp/A.o /tmp/B.o $S/quadratic_features.c \
//       $S/skinny_gemm.c $S/vector_math.c -lm -o /tmp/fused_ab
//   /tmp/fused_ab [components 5] [rows per call 256] [dimension 39] [lanes 8] [rounds 21]
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <stddef.h>
int hmmkit_quadratic_features_d(const double*,size_t,size_t,const double*,double*,size_t);
int hmmkit_skinny_vector_bits(void);
int hmmkit_gemm_tn_small_d(size_t,size_t,size_t,double,const double*,size_t,const double*,size_t,double,double*,size_t,int);
int hmmkit_gemm_nn_small_d(size_t,size_t,size_t,double,const double*,size_t,const double*,size_t,double,double*,size_t,int);
#define DECL(P) int P##_scores(const double*,size_t,size_t,const double*,const double*,size_t,double*,size_t,int); \
 int P##_stats(const double*,size_t,size_t,const double*,const double*,size_t,size_t,double*,size_t,int);
DECL(A) DECL(B)
static double now(void){struct timespec t;clock_gettime(CLOCK_PROCESS_CPUTIME_ID,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static double uniform(void){return rand()/(double)RAND_MAX*2-1;}
static int cmp(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
static double rel(const double*a,const double*b,size_t n){double d=0,s=0;for(size_t i=0;i<n;i++){d=fmax(d,fabs(a[i]-b[i]));s=fmax(s,fabs(b[i]));}return d/s;}
static double same(const double*a,const double*b,size_t n){for(size_t i=0;i<n;i++) if(a[i]!=b[i]) return 0; return 1;}
int main(int argc,char**argv){
 size_t k=argc>1?atoi(argv[1]):5, rows=argc>2?atoi(argv[2]):256, d=argc>3?atoi(argv[3]):39; int lanes=argc>4?atoi(argv[4]):8; int R=argc>5?atoi(argv[5]):21;
 size_t width=d+d*(d+1)/2+1, reps=60000/rows+1;
 double *x=malloc(8*rows*d),*centre=malloc(8*d),*w=malloc(8*width*k),*g=malloc(8*rows*k),*F=malloc(8*rows*width);
 double *s0=malloc(8*rows*k),*sa=malloc(8*rows*k),*sb=malloc(8*rows*k),*t0=malloc(8*k*width),*ta=malloc(8*k*width),*tb=malloc(8*k*width);
 for(size_t i=0;i<rows*d;i++)x[i]=uniform(); for(size_t i=0;i<d;i++)centre[i]=uniform()/10;
 for(size_t i=0;i<width*k;i++)w[i]=uniform(); for(size_t i=0;i<rows*k;i++)g[i]=fabs(uniform());
 hmmkit_quadratic_features_d(x,rows,d,centre,F,width);
 hmmkit_gemm_nn_small_d(rows,k,width,1,F,width,w,k,0,s0,k,hmmkit_skinny_vector_bits());
 hmmkit_gemm_tn_small_d(k,width,rows,1,g,k,F,width,0,t0,width,hmmkit_skinny_vector_bits());
 double fr=(double)reps*rows, a1[999],a2[999],b1[999],b2[999],r1[999],r2[999];
 for(int r=0;r<R;r++){ double st;
  st=now(); for(size_t q=0;q<reps;q++) A_scores(x,rows,d,centre,w,k,sa,k,lanes); a1[r]=(now()-st)/fr*1e9;
  st=now(); for(size_t q=0;q<reps;q++) B_scores(x,rows,d,centre,w,k,sb,k,lanes); b1[r]=(now()-st)/fr*1e9;
  st=now(); for(size_t q=0;q<reps;q++) A_stats(x,rows,d,centre,g,k,k,ta,width,lanes); a2[r]=(now()-st)/fr*1e9;
  st=now(); for(size_t q=0;q<reps;q++) B_stats(x,rows,d,centre,g,k,k,tb,width,lanes); b2[r]=(now()-st)/fr*1e9;
  r1[r]=b1[r]/a1[r]; r2[r]=b2[r]/a2[r]; }
 qsort(a1,R,8,cmp);qsort(a2,R,8,cmp);qsort(b1,R,8,cmp);qsort(b2,R,8,cmp);qsort(r1,R,8,cmp);qsort(r2,R,8,cmp);
 printf("d %zu k %zu rows %zu lanes %d | scores A %.1f B %.1f (B/A %.3f) | stats A %.1f B %.1f (B/A %.3f) | B vs features %.1e %.1e, B==A bitwise: scores %g stats %g\n",
  d,k,rows,lanes,a1[R/2],b1[R/2],r1[R/2],a2[R/2],b2[R/2],r2[R/2],rel(sb,s0,rows*k),rel(tb,t0,k*width),same(sa,sb,rows*k),same(ta,tb,k*width));
}
