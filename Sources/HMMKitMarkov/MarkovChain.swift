// Hidden Markov models: arrives with issue 5 (forward-backward, Viterbi, Baum-Welch).
