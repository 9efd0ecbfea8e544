import EmbeddingCacheImages
import FoundationEssentials
import Testing

@Suite struct DecodedImageTests {
    @Test func rowBytesCountEveryChannelAndByte() {
        let image = DecodedImage(width: 3, height: 2, layout: .rgba, bitDepth: 16, pixels: Data(count: 48))
        #expect(image.rowBytes == 24)
        #expect(DecodedImage.Layout.greyAlpha.channelCount == 2)
    }
}
