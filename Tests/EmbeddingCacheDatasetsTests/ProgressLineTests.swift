import EmbeddingCache
import EmbeddingCacheDatasets
import Testing

/// The words of a run's progress: count, percentage, rate, time left, hits and misses.
struct ProgressLineTests {
    let line = ProgressLine(total: 800, unit: "inputs")

    @Test func aCacheRunHalfWayNamesRateTimeLeftHitsAndMisses() {
        let text = line.text(CallProgress(finished: 400, hits: 380, misses: 20), elapsed: .seconds(2))
        #expect(text == "400/800 inputs (50%), 200/s, about 2 s left, 380 hits, 20 misses")
    }

    @Test func nothingDoneYetHasNoRate() {
        #expect(line.text(CallProgress(), elapsed: .seconds(1)) == "0/800 inputs (0%)")
    }

    @Test func aFinishedRunHasNoTimeLeftAndNamesFailures() {
        let text = line.text(CallProgress(finished: 800, hits: 790, misses: 5), elapsed: .milliseconds(500))
        #expect(text == "800/800 inputs (100%), 1600/s, 790 hits, 5 misses, 5 failed")
    }

    @Test func slowRunsSayMinutesAndHours() {
        let minutes = ProgressLine(total: 1000, unit: "samples").text(CallProgress(finished: 10), elapsed: .seconds(10))
        #expect(minutes == "10/1000 samples (1%), 1.0/s, about 16 min 30 s left")
        let hours = ProgressLine(total: 100_000, unit: "records").text(CallProgress(finished: 9), elapsed: .seconds(10))
        #expect(hours == "9/100000 records (0%), 0.9/s, about 30 h 51 min left")
    }

    @Test func anUnknownTotalNamesCountRateHitsAndMissesButNoShareOrTimeLeft() {
        let streamed = ProgressLine(total: nil, unit: "inputs")
        let text = streamed.text(CallProgress(finished: 400, hits: 380, misses: 20), elapsed: .seconds(2))
        #expect(text == "400 inputs, 200/s, 380 hits, 20 misses")
        #expect(streamed.percent(400) == nil)
    }
}
