#!/usr/bin/env bash
# Generates the simulator's speech fixtures: short contact-centre phrases spoken by espeak-ng, turned into
# telephone audio by sox (8 kHz mono G.711 µ-law, raw, telephone band, silence trimmed) plus manifest.json.
#
# Run once and commit the output; nothing needs espeak-ng or sox at run time or in CI.
#   scripts/generate-speech-fixtures.sh [output dir]   (default server/src/simulator/audio/phrases)
# Needs: espeak-ng, sox, jq.
set -euo pipefail

OUT_DIR="${1:-$(dirname "$0")/../server/src/simulator/audio/phrases}"
AGENT_VOICE_SUFFIX="+m3"
CALLER_VOICE_SUFFIX="+f2"
# Words per minute: a little slower than espeak's 175, as people speak on a support line.
AGENT_WPM=175
CALLER_WPM=180

for tool in espeak-ng sox jq; do
  command -v "$tool" >/dev/null || { echo "generate-speech-fixtures: $tool is not installed" >&2; exit 1; }
done

mkdir -p "$OUT_DIR"
rm -f "$OUT_DIR"/*.ul "$OUT_DIR"/manifest.json
TMP_DIR="$(mktemp -d)"
trap 'rm -rf "$TMP_DIR"' EXIT

# id | speaker | language | role | topic (- for none) | text
# A phrase's Ukrainian or Belarusian variant has the Russian one's id with _uk or _be: the dialogue picks it
# for a caller of that language. complaint/displeasure carry a negative mood, praise and caller_thanks_warm
# (a farewell) a positive one.
PHRASES=$(cat <<'EOF'
agent_greeting_1|agent|ru|greeting|-|Здравствуйте, служба поддержки, слушаю вас.
agent_greeting_be|agent|be|greeting|-|Добры дзень, служба падтрымкі, слухаю вас.
agent_greeting_second_line|agent|ru|transfer_in|-|Специалист второй линии, слушаю вас.
agent_ask_number|agent|ru|question|-|Назовите, пожалуйста, номер телефона.
agent_ask_since|agent|ru|question|-|Уточните, когда это началось?
agent_understood|agent|ru|ack|-|Понятно, сейчас посмотрю.
agent_one_minute|agent|ru|check|-|Одну минуту, уточняю информацию.
agent_hold|agent|ru|hold|-|Поставлю вас на удержание, не кладите трубку.
agent_thanks_for_waiting|agent|ru|resume|-|Спасибо за ожидание.
agent_sorry_pause|agent|ru|after_silence|-|Извините за паузу, система долго отвечает.
agent_transfer|agent|ru|transfer_out|-|Соединяю со специалистом, оставайтесь на линии.
agent_answer_billing|agent|ru|answer|billing|На вашем счёте двенадцать рублей сорок копеек.
agent_answer_tariffs|agent|ru|answer|tariffs|Смена тарифа бесплатна, новый начнёт действовать завтра.
agent_answer_technical|agent|ru|answer|technical|Я оформил заявку, сеть проверят за сутки.
agent_answer_roaming|agent|ru|answer|roaming|Роуминг подключён, пакет пять гигабайт.
agent_answer_internet|agent|ru|answer|mobile_internet|Перезагрузите телефон и проверьте передачу данных.
agent_answer_other|agent|ru|answer|other|Номер заблокирован, восстановить можно в салоне.
agent_bonus|agent|ru|answer|-|За ожидание мы начислили вам сто мегабайт.
agent_anything_else|agent|ru|question|-|Могу ли я ещё чем-нибудь помочь?
agent_closing|agent|ru|closing|-|Спасибо за звонок, всего доброго!
agent_closing_be|agent|be|closing|-|Дзякуй за званок, усяго добрага!
caller_hello|caller|ru|opening|-|Алло, здравствуйте.
caller_billing|caller|ru|problem|billing|Почему с меня списали деньги?
caller_tariffs|caller|ru|problem|tariffs|Я хочу сменить тариф на более дешёвый.
caller_technical|caller|ru|problem|technical|Постоянно пропадает связь, не могу дозвониться.
caller_technical_be|caller|be|problem|technical|Добры дзень, у мяне няма сувязі ў вёсцы.
caller_roaming|caller|ru|problem|roaming|Я еду за границу, как подключить роуминг?
caller_internet|caller|ru|problem|mobile_internet|У меня не работает мобильный интернет.
caller_internet_uk|caller|uk|problem|mobile_internet|Доброго дня, у мене не працює інтернет.
caller_other|caller|ru|problem|other|Я потеряла телефон, заблокируйте сим-карту.
caller_number|caller|ru|reply|-|Двадцать девять, семь семь семь, ноль восемь девяносто.
caller_since|caller|ru|reply|-|Со вчерашнего вечера.
caller_how_much|caller|ru|question|-|А сколько это будет стоить?
caller_are_you_there|caller|ru|impatience|-|Алло, вы меня слышите?
caller_ok|caller|ru|ack|-|Хорошо, понятно.
caller_no_thanks|caller|ru|ack|-|Нет, больше ничего, спасибо.
caller_bye|caller|ru|farewell|-|Спасибо, до свидания.
caller_bye_uk|caller|uk|farewell|-|Дякую, до побачення.
caller_bye_be|caller|be|farewell|-|Дзякуй, да пабачэння.
caller_hello_uk|caller|uk|opening|-|Алло, добрий день.
caller_hello_be|caller|be|opening|-|Алё, добры дзень.
caller_billing_uk|caller|uk|problem|billing|Чому з мене зняли гроші?
caller_billing_be|caller|be|problem|billing|Чаму з мяне спісалі грошы?
caller_since_uk|caller|uk|reply|-|З учорашнього вечора.
caller_since_be|caller|be|reply|-|З учорашняга вечара.
caller_how_much_uk|caller|uk|question|-|А скільки це коштуватиме?
caller_how_much_be|caller|be|question|-|А колькі гэта будзе каштаваць?
caller_are_you_there_uk|caller|uk|impatience|-|Алло, ви мене чуєте?
caller_are_you_there_be|caller|be|impatience|-|Алё, вы мяне чуеце?
caller_ok_uk|caller|uk|ack|-|Добре, зрозуміло.
caller_ok_be|caller|be|ack|-|Добра, зразумела.
caller_no_thanks_uk|caller|uk|ack|-|Ні, більше нічого, дякую.
caller_no_thanks_be|caller|be|ack|-|Не, больш нічога, дзякуй.
caller_complaint|caller|ru|complaint|-|Уже третий раз звоню, сколько можно, это безобразие!
caller_complaint_uk|caller|uk|complaint|-|Вже втретє телефоную, скільки можна, це неподобство!
caller_complaint_be|caller|be|complaint|-|Ужо трэці раз тэлефаную, колькі можна, гэта ганьба!
caller_displeased|caller|ru|displeasure|-|Ужасное обслуживание, я буду жаловаться.
caller_displeased_uk|caller|uk|displeasure|-|Жахливе обслуговування, я буду скаржитися.
caller_displeased_be|caller|be|displeasure|-|Жахлівае абслугоўванне, я буду скардзіцца.
caller_pleased|caller|ru|praise|-|Отлично, вы мне очень помогли!
caller_pleased_uk|caller|uk|praise|-|Чудово, ви мені дуже допомогли!
caller_pleased_be|caller|be|praise|-|Выдатна, вы мне вельмі дапамаглі!
caller_thanks_warm|caller|ru|farewell|-|Огромное спасибо, вы замечательный специалист!
caller_thanks_warm_uk|caller|uk|farewell|-|Щиро дякую, ви чудовий фахівець!
caller_thanks_warm_be|caller|be|farewell|-|Вялікі дзякуй, вы цудоўны спецыяліст!
EOF
)

entries=()
while IFS='|' read -r id speaker language role topic text; do
  [ -z "$id" ] && continue
  if [ "$speaker" = agent ]; then voice="$language$AGENT_VOICE_SUFFIX"; wpm=$AGENT_WPM
  else voice="$language$CALLER_VOICE_SUFFIX"; wpm=$CALLER_WPM; fi
  espeak-ng -v "$voice" -s "$wpm" -w "$TMP_DIR/$id.wav" "$text"
  # Telephone band, 3 dB headroom, leading and trailing silence trimmed, 8 kHz µ-law without a header.
  # -R -D: no random dither, so the same input gives the same bytes (re-running changes nothing in git).
  sox -R -D "$TMP_DIR/$id.wav" -t raw -r 8000 -c 1 -e mu-law -b 8 "$OUT_DIR/$id.ul" \
    gain -6 highpass 300 lowpass 3400 gain -n -3 \
    silence 1 0.02 1% reverse silence 1 0.02 1% reverse
  bytes=$(stat -c %s "$OUT_DIR/$id.ul")
  duration_ms=$(( bytes / 8 ))
  entries+=("$(jq -cn --arg id "$id" --arg speaker "$speaker" --arg language "$language" --arg role "$role" \
    --arg topic "$topic" --arg text "$text" --argjson durationMs "$duration_ms" \
    '{id: $id, speaker: $speaker, language: $language, role: $role, topic: (if $topic == "-" then null else $topic end), text: $text, file: ($id + ".ul"), durationMs: $durationMs}')")
done <<< "$PHRASES"

printf '%s\n' "${entries[@]}" | jq -s '{format: "pcmu", sampleRateHz: 8000, phrases: .}' > "$OUT_DIR/manifest.json"
echo "generate-speech-fixtures: ${#entries[@]} phrases, $(cat "$OUT_DIR"/* | wc -c) bytes in $OUT_DIR"
