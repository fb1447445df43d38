/**
 * A small list of the most common passwords (from public breach-frequency lists), lower-case.
 * Passwords shorter than the minimum length are already refused; the list is for the rest.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  `
000000 0000000000 0123456789 1111 111111 11111111 1111111111 11111111111 112233 1122334455 121212
1212121212 123123 123321 1234 12345 1234512345 123456 1234567 12345678 123456789 1234567890
123456789a 123456789q 1234qwer5678 123qwe 131313 159753 1q2w3e4r5t 1q2w3e4r5t6y 1qaz2wsx
1qaz2wsx3edc 2000 2222222222 555555 5555555555 654321 666666 6969 696969 777777 7777777 7777777777
987654321 9876543210 9999999999 a123456789 aa12345678 aaaaaa abc123 abc1234567 abcd123456
abcdefghij access admin12345 admin123456 administrator amanda andrew arsenal123 asdf123456 asdfgh
ashley asshole austin autumn2025 baseball baseball123 basketball basketball1 batman biteme
blink182blink buster changeme changeme123 changemenow charlie charlie123 cheese chelsea chelsea123
computer computer123 dallas daniel default123 dragon dragon12345 elephant123 football football123
football1234 freedom fuckme fuckyou george ginger harley hockey hunter iloveyou iloveyou1
iloveyou12 iloveyouforever internet123 jennifer jennifer123 jessica jessica123 jordan joshua killer
klaster letmein letmein123 letmein1234 letmeinnow liverpool1 love maggie master master12345 matrix
matthew michael michael123 michelle monkey monkey12345 mustang myp@ssw0rd mypassword mypassword1
nicole p@ssw0rd p@ssword pass passw0rd password password1 password12 password123 password1234
password2024 password2025 password2026 pepper princess princess123 pussy q123456789 qazwsx
qazwsxedc123 qazwsxedcrfv qwer123456 qwerty qwerty123 qwerty1234 qwertyuiop qwertyuiop1 ranger
robert secretpassword shadow soccer spring2025 starwars starwars123 summer summer2024 summer2025
summer2026 summit1234 summit12345 summitsummit sunshine sunshine123 superman superman123
supersecret supersecret1 taylor test123456 testing123 testtest12 thomas thunder tigger trustno1
trustno1234 trustnoone1 welcome123 welcome1234 whatever123 winter2024 winter2025 winter2026 yankees
zaq12wsxcde zxcv123456 zxcvbn zxcvbnm
  `
    .split(/\s+/)
    .filter(Boolean),
)
