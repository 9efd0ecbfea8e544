#include "CEmbeddingCacheImageCodecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

struct embcache_jpeg_decoder {
    struct jpeg_decompress_struct info;
    struct jpeg_error_mgr errors;
    struct jpeg_progress_mgr progress;
    const uint8_t *data;
    size_t size;
    unsigned max_scans;
    jmp_buf jump;
    char message[EMBCACHE_CODEC_MESSAGE_CAPACITY];
};

static void on_error(j_common_ptr info) {
    embcache_jpeg_decoder *decoder = info->client_data;
    (*info->err->format_message)(info, decoder->message);
    longjmp(decoder->jump, 1);
}

// Level -1 is a warning, which libjpeg gives for corrupt or truncated data (it then makes up the
// missing pixels): a failure here. Higher levels are trace messages, ignored.
static void on_message(j_common_ptr info, int level) {
    if (level < 0) on_error(info);
}

static void on_progress(j_common_ptr info) {
    embcache_jpeg_decoder *decoder = info->client_data;
    if (decoder->info.input_scan_number > 0 && (unsigned)decoder->info.input_scan_number > decoder->max_scans) {
        snprintf(decoder->message, sizeof decoder->message, "more than %u progressive scans", decoder->max_scans);
        longjmp(decoder->jump, 1);
    }
}

embcache_jpeg_decoder *embcache_jpeg_decoder_create(const uint8_t *data, size_t size) {
    embcache_jpeg_decoder *decoder = calloc(1, sizeof *decoder);
    if (decoder == NULL) return NULL;
    decoder->info.err = jpeg_std_error(&decoder->errors);
    decoder->errors.error_exit = on_error;
    decoder->errors.emit_message = on_message;
    decoder->info.client_data = decoder;
    if (setjmp(decoder->jump)) {
        jpeg_destroy_decompress(&decoder->info);
        free(decoder);
        return NULL;
    }
    jpeg_create_decompress(&decoder->info);
    decoder->data = data;
    decoder->size = size;
    return decoder;
}

void embcache_jpeg_decoder_destroy(embcache_jpeg_decoder *decoder) {
    if (decoder == NULL) return;
    jpeg_destroy_decompress(&decoder->info);
    free(decoder);
}

const char *embcache_jpeg_decoder_message(const embcache_jpeg_decoder *decoder) { return decoder->message; }

int embcache_jpeg_read_header(embcache_jpeg_decoder *decoder, embcache_jpeg_header *header) {
    if (setjmp(decoder->jump)) return -1;
    jpeg_mem_src(&decoder->info, decoder->data, (unsigned long)decoder->size);
    jpeg_save_markers(&decoder->info, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&decoder->info, TRUE);
    header->width = decoder->info.image_width;
    header->height = decoder->info.image_height;
    header->components = decoder->info.num_components;
    switch (decoder->info.jpeg_color_space) {
    case JCS_GRAYSCALE: header->colour_space = EMBCACHE_JPEG_GREY; break;
    case JCS_YCbCr:
    case JCS_RGB: header->colour_space = EMBCACHE_JPEG_COLOUR; break;
    case JCS_CMYK: header->colour_space = EMBCACHE_JPEG_CMYK; break;
    case JCS_YCCK: header->colour_space = EMBCACHE_JPEG_YCCK; break;
    default: header->colour_space = EMBCACHE_JPEG_UNKNOWN; break;
    }
    return 0;
}

int embcache_jpeg_app1(const embcache_jpeg_decoder *decoder, int index, const uint8_t **data, size_t *size) {
    for (jpeg_saved_marker_ptr marker = decoder->info.marker_list; marker != NULL; marker = marker->next) {
        if (marker->marker != JPEG_APP0 + 1) continue;
        if (index-- > 0) continue;
        *data = marker->data;
        *size = marker->data_length;
        return 0;
    }
    return -1;
}

int embcache_jpeg_read_pixels(
    embcache_jpeg_decoder *decoder, int channels, unsigned max_scans, uint8_t *pixels, size_t row_bytes) {
    struct jpeg_decompress_struct *info = &decoder->info;
    if (setjmp(decoder->jump)) return -1;
    info->out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    decoder->max_scans = max_scans;
    decoder->progress.progress_monitor = on_progress;
    info->progress = &decoder->progress;
    jpeg_start_decompress(info);
    if (info->output_width != info->image_width || info->output_height != info->image_height
        || info->output_components != channels) {
        snprintf(decoder->message, sizeof decoder->message, "libjpeg decodes to an unexpected shape");
        return -1;
    }
    while (info->output_scanline < info->output_height) {
        JSAMPROW row = pixels + (size_t)info->output_scanline * row_bytes;
        jpeg_read_scanlines(info, &row, 1);
    }
    jpeg_finish_decompress(info);
    return 0;
}
