import HMMKitMarkov
import Testing
