#!/usr/bin/env bash
# Generates the voice-activity detector's fixtures: real speech (espeak-ng, telephone band through sox) with
# silences of known lengths between the phrases, as 8 kHz mono 16-bit WAV files, plus truth.json with the true
# speech and silence boundaries of each file (in ms, from the sample counts sox reports).
#
# Run once and commit the output; nothing needs espeak-ng or sox at run time or in CI.
#   scripts/generate-vad-fixtures.sh [output dir]   (default tests/fixtures/speech)
# Needs: espeak-ng, sox, soxi, jq.
#
# A phrase's true boundaries are where it rises above 1% of full scale (sox `silence`, as the simulator's
# phrases are trimmed), so a detector is judged against the audible speech, not espeak's padding. Commas are
# left out of the texts: espeak pauses at them, and a pause inside a phrase is not a boundary.
set -euo pipefail

OUT_DIR="${1:-$(dirname "$0")/../tests/fixtures/speech}"
RATE=8000

for tool in espeak-ng sox soxi jq; do
  command -v "$tool" >/dev/null || { echo "generate-vad-fixtures: $tool is not installed" >&2; exit 1; }
done

mkdir -p "$OUT_DIR"
rm -f "$OUT_DIR"/*.wav "$OUT_DIR"/truth.json
TMP_DIR="$(mktemp -d)"
trap 'rm -rf "$TMP_DIR"' EXIT

# One fixture per block: `file|noise dB (- for none)|speech gain dB` then its items, one a line:
#   say|voice|words per minute|text      a phrase
#   gap|ms                               silence of exactly this length
# Gaps are at least 500 ms: the detector's hangover (300 ms) merges shorter pauses into one utterance by design.
FIXTURES=$(cat <<'EOF_FIXTURES'
file|agent_clean.wav|-|0
gap|700
say|ru+m3|175|Здравствуйте служба поддержки слушаю вас
gap|600
say|ru+m3|175|Назовите пожалуйста номер телефона
gap|2500
say|ru+m3|175|Понятно сейчас посмотрю
gap|5000
say|ru+m3|175|На вашем счёте двенадцать рублей сорок копеек
gap|900
say|ru+m3|175|Могу ли я ещё чем-нибудь помочь
gap|1200
file|caller_noisy.wav|-28|0
gap|500
say|ru+f2|180|Алло здравствуйте
gap|1500
say|ru+f2|180|У меня не работает мобильный интернет
gap|8000
say|ru+f2|180|Алло вы меня слышите
gap|700
say|ru+f2|180|Со вчерашнего вечера
gap|3000
say|ru+f2|180|Спасибо до свидания
gap|1000
file|quiet_mixed.wav|-50|-12
gap|1000
say|be+m3|170|Добры дзень служба падтрымкі слухаю вас
gap|2000
say|uk+f2|180|Доброго дня у мене не працює інтернет
gap|550
say|be+m3|170|Дзякуй за званок усяго добрага
gap|4000
say|uk+f2|180|Дякую до побачення
gap|800
EOF_FIXTURES
)

samples_of() { soxi -s "$1"; }
ms_of_samples() { echo $(( $1 * 1000 / RATE )); }

fixtures_json=()
finish_fixture() {
  [ -z "${current:-}" ] && return
  local speech="$TMP_DIR/speech.wav"
  sox -R -D "${pieces[@]}" "$speech"
  if [ "$noise" = "-" ]; then
    cp "$speech" "$OUT_DIR/$current"
  else
    # Steady line noise under everything (brown noise, telephone band) at the given level.
    local total_s
    total_s=$(soxi -D "$speech")
    sox -R -D -r "$RATE" -c 1 -n -b 16 "$TMP_DIR/noise.wav" synth "$total_s" brownnoise \
      highpass 300 lowpass 3400 gain -n "$noise"
    sox -R -D -m "$speech" "$TMP_DIR/noise.wav" -b 16 "$OUT_DIR/$current"
  fi
  fixtures_json+=("$(jq -cn --arg file "$current" --argjson noiseDb "$( [ "$noise" = "-" ] && echo null || echo "$noise")" \
    --argjson gainDb "$gain" --argjson durationMs "$(ms_of_samples "$offset")" \
    --argjson speech "$(printf '%s\n' "${speech_json[@]}" | jq -s .)" \
    --argjson silences "$(printf '%s\n' "${silence_json[@]}" | jq -s .)" \
    '{file: $file, sampleRateHz: 8000, noiseDb: $noiseDb, speechGainDb: $gainDb, durationMs: $durationMs, speech: $speech, silences: $silences}')")
}

n=0
while IFS='|' read -r kind a b c; do
  [ -z "$kind" ] && continue
  case "$kind" in
    file)
      finish_fixture
      current="$a"; noise="$b"; gain="$c"; offset=0; pieces=(); speech_json=(); silence_json=()
      ;;
    gap)
      n=$((n + 1))
      samples=$(( a * RATE / 1000 ))
      sox -R -D -r "$RATE" -c 1 -n -b 16 "$TMP_DIR/$n.wav" trim 0 "${samples}s"
      pieces+=("$TMP_DIR/$n.wav")
      silence_json+=("$(jq -cn --argjson s "$(ms_of_samples "$offset")" --argjson e "$(ms_of_samples $((offset + samples)))" '{startMs: $s, endMs: $e}')")
      offset=$((offset + samples))
      ;;
    say)
      n=$((n + 1))
      espeak-ng -v "$a" -s "$b" -w "$TMP_DIR/$n.raw.wav" "$c"
      # Telephone band, peak at -3 dBFS then the fixture's gain, leading and trailing silence trimmed.
      sox -R -D "$TMP_DIR/$n.raw.wav" -r "$RATE" -c 1 -b 16 "$TMP_DIR/$n.wav" \
        gain -6 highpass 300 lowpass 3400 gain -n -3 gain "$gain" \
        silence 1 0.02 1% reverse silence 1 0.02 1% reverse
      pieces+=("$TMP_DIR/$n.wav")
      samples=$(samples_of "$TMP_DIR/$n.wav")
      speech_json+=("$(jq -cn --argjson s "$(ms_of_samples "$offset")" --argjson e "$(ms_of_samples $((offset + samples)))" --arg text "$c" '{startMs: $s, endMs: $e, text: $text}')")
      offset=$((offset + samples))
      ;;
  esac
done <<< "$FIXTURES"
finish_fixture

printf '%s\n' "${fixtures_json[@]}" | jq -s '{generator: "scripts/generate-vad-fixtures.sh", fixtures: .}' > "$OUT_DIR/truth.json"
echo "generate-vad-fixtures: ${#fixtures_json[@]} files, $(cat "$OUT_DIR"/*.wav | wc -c) bytes of WAV in $OUT_DIR"
