import EmbeddingCache
import EmbeddingCacheImages
import FoundationEssentials
import Testing

/// pHash and dHash against vectors computed by Python's `imagehash` 4.3 (Pillow 13, scipy 1.17)
/// with `Scripts/imagehash_reference.py vectors`, on the deterministic images of ``SyntheticImage``.
@Suite struct PerceptualHashVectorTests {
    struct Vector: CustomTestStringConvertible, Sendable {
        var seed: Int
        var width: Int
        var height: Int
        /// SHA-256 of the RGB samples Python generated.
        var pixels: String
        var phash: String
        var dhash: String
        /// The hashes of the red channel alone, as a greyscale image.
        var greyPhash: String
        var greyDhash: String

        var testDescription: String { "seed \(seed), \(width)×\(height)" }

        var rgb: [UInt8] { SyntheticImage.rgb(seed: seed, width: width, height: height) }
    }

    static let vectors: [Vector] = [
        .init(seed: 1000, width: 64, height: 64, pixels: "2bc87f5ed4d855e52c3a8631182841dfd871354d95b6c544ea649853181b32e0",
              phash: "a4a272a4b4da8fd3", dhash: "8f8fcf9696e6b95a", greyPhash: "a6266625fc998b1b", greyDhash: "cfcfeffefefeff35"),
        .init(seed: 1001, width: 33, height: 47, pixels: "5ca2b98723704ac3eb14ef581ca4d8a515514da961796c2d405eddc5c65d9702",
              phash: "fd78526ba5621c62", dhash: "00303206262249b6", greyPhash: "c3896d769e66ac30", greyDhash: "60d0c0690848494a"),
        .init(seed: 1002, width: 200, height: 120, pixels: "0e5deba4c2db664406590586b9dd271fac38186c6e1c53c38c1c456e1ecdf188",
              phash: "9e53182fa5511faa", dhash: "fcfcfcdc6f763535", greyPhash: "9c531c2bad555e2a", greyDhash: "fcfcfcfcff7f3735"),
        .init(seed: 1003, width: 120, height: 200, pixels: "316862b8b2603b17e5bc87d312cdafd78a299b4bf7d0079e2c715c66157dbbcc",
              phash: "9ae2a7395f4279a0", dhash: "fffff9f97f3ff76e", greyPhash: "9c22e718e6c679a3", greyDhash: "fffffffc7fbff76f"),
        .init(seed: 1004, width: 31, height: 31, pixels: "8af7f7c6ad46c647c671d235f00ecdbea032c37ea1c702c2557bb150a4364633",
              phash: "f19ee11847f10ec3", dhash: "0000000041818048", greyPhash: "e18ee39c87fa04a5", greyDhash: "fffffebd76969548"),
        .init(seed: 1005, width: 32, height: 32, pixels: "78f4fe9a9601d52ba22c627d4a46defb64544ee5034119c1fbd1ae5fe9e83bc1",
              phash: "dd36496969549696", dhash: "00040c0402101212", greyPhash: "c93649b6b64969a9", greyDhash: "244253330c121012"),
        .init(seed: 1006, width: 9, height: 8, pixels: "ad7595f7b1448dd8312dc0c75510a5377a4f6f3377c4192448320a0fd17f5a71",
              phash: "ede566c999921469", dhash: "0206020422205111", greyPhash: "e5e766c999922469", greyDhash: "060a0a042a221528"),
        .init(seed: 1007, width: 300, height: 17, pixels: "405e51df1ac66cfc6850942d8c89975bade9782843c48a5d83f339282764d573",
              phash: "9e1a751e9d18d958", dhash: "7969797178707030", greyPhash: "f51ab5129d0c9d71", greyDhash: "392909060a8e8606"),
        .init(seed: 1008, width: 17, height: 300, pixels: "320702987eb56195a47ce7cf368dda5fef27ca9d0188dc39f95877805b62b5cc",
              phash: "9010af2fafbf1690", dhash: "77c4c40300002824", greyPhash: "8207af2f2f2f0f82", greyDhash: "ff80d4034000ffff"),
        .init(seed: 1009, width: 250, height: 250, pixels: "d687e94af8b094e563aa2da7a168ad47f3a71c71f6a7ffab8d2a2284c39b53c2",
              phash: "c6f23939c6a49a95", dhash: "0000646464616666", greyPhash: "f64e19496636c91e", greyDhash: "0000246464181e18"),
        .init(seed: 1010, width: 100, height: 75, pixels: "c42a824afaf9db1e00b4b258d3b93a87736eb96ef492451185e46e98155211bb",
              phash: "fc4778c719c33f00", dhash: "0007070000001030", greyPhash: "d195f3612ce33c07", greyDhash: "181818882190c820"),
        .init(seed: 1011, width: 75, height: 100, pixels: "1a35c1fe3a12a75ee6934d9d017dd931c5cb456444df1a69bccc05bcbad873c8",
              phash: "99266bb6dc132669", dhash: "fffffeb4b2bcb0b2", greyPhash: "eb309d666b8c9313", greyDhash: "fffffde3cbcfe3c0"),
        .init(seed: 1012, width: 48, height: 36, pixels: "b31c40555ce00722a49d575340fa95843b871ca6e73709bebaa050cfd8c18ee0",
              phash: "83a53486de9a9b74", dhash: "e6c7cbe9c9c9c916", greyPhash: "f4e7c33c941c28d3", greyDhash: "064e0e36161707c8"),
        .init(seed: 1013, width: 640, height: 64, pixels: "35c4db7a3dfe72a0be539a336301240e5c39c94e71a328de03f92ecb4c323a64",
              phash: "d9954b49b4954b95", dhash: "1a1a1a1a1b535353", greyPhash: "89b64b4bb4b64b94", greyDhash: "3a3ab23e33b3b3b3"),
        .init(seed: 1014, width: 2, height: 2, pixels: "a9c50e39a2c0ce437e0b0290b6d35fce841cc109a2d692f8d1db2b25c7f4b5aa",
              phash: "80aa0081008b0098", dhash: "ffffffffffff7e40", greyPhash: "bec5f807f046c0dc", greyDhash: "00000000ffff7f3f"),
        .init(seed: 1015, width: 129, height: 97, pixels: "82b53b084a2c62ed044c9ea526d8881abb1be35ad5cae44b0eadcc3362cecef6",
              phash: "b8621fe7d328d20d", dhash: "094db0981492b232", greyPhash: "a9160de7d26d920f", greyDhash: "feeeb7971f97b233"),
    ]

    @Test(arguments: vectors) func rgbMatchesImagehash(_ vector: Vector) {
        let rgb = vector.rgb
        #expect(ContentDigest(of: Data(rgb)).hex == vector.pixels, "the Swift generator rebuilds Python's pixels")
        let image = DecodedImage(width: vector.width, height: vector.height, layout: .rgb, bitDepth: 8, pixels: Data(rgb))
        #expect(PerceptualHash(of: image, algorithm: .phash).hex == vector.phash)
        #expect(PerceptualHash(of: image, algorithm: .dhash).hex == vector.dhash)
    }

    @Test(arguments: vectors) func greyMatchesImagehash(_ vector: Vector) {
        let rgb = vector.rgb
        let red = stride(from: 0, to: rgb.count, by: 3).map { rgb[$0] }
        let image = DecodedImage(width: vector.width, height: vector.height, layout: .grey, bitDepth: 8, pixels: Data(red))
        #expect(PerceptualHash(of: image, algorithm: .phash).hex == vector.greyPhash)
        #expect(PerceptualHash(of: image, algorithm: .dhash).hex == vector.greyDhash)
    }
}
