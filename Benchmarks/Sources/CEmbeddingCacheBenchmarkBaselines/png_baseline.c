#include "CEmbeddingCacheBenchmarkBaselines.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

int embcache_baseline_png_decode_rgb(const uint8_t *data, size_t size) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, data, size)) return -1;
    image.format = PNG_FORMAT_RGB;
    uint8_t *pixels = malloc(PNG_IMAGE_SIZE(image));
    if (pixels == NULL) {
        png_image_free(&image);
        return -1;
    }
    int result = png_image_finish_read(&image, NULL, pixels, 0, NULL) ? pixels[0] : -1;
    free(pixels);
    return result;
}
