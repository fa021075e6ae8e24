"""Snowball stemmers for Russian and English, without importing nltk.

The Russian and English stemmers of nltk's ``nltk/stem/snowball.py`` (NLTK
3.10, Apache License 2.0, Copyright (C) 2001-2026 NLTK Project; authors Peter
Michael Stahl, Peter Ljunglof; algorithms by Dr Martin Porter), copied here
with their docstrings removed, so that :mod:`callmine.stemming` gives the same
stems without importing nltk, whose package import pulls in scikit-learn and
scipy.stats (about a second of start-up for ``callmine classify``).
``tests/test_text.py`` checks the stems against nltk's.

>>> RussianStemmer().stem("заявления"), EnglishStemmer().stem("applications")
('заявлен', 'applic')
"""
# Generated from nltk's source (ast round trip: code unchanged, docstrings and
# comments dropped). Do not edit by hand.
# ruff: noqa
# fmt: off

from __future__ import annotations


def suffix_replace(original, old, new):
    return original[:-len(old)] + new


class _Stemmer:
    stopwords = frozenset()

    def __repr__(self):
        return f"<{type(self).__name__}>"


class _StandardStemmer(_Stemmer):

    def _r1r2_standard(self, word, vowels):
        r1 = ''
        r2 = ''
        for i in range(1, len(word)):
            if word[i] not in vowels and word[i - 1] in vowels:
                r1 = word[i + 1:]
                break
        for i in range(1, len(r1)):
            if r1[i] not in vowels and r1[i - 1] in vowels:
                r2 = r1[i + 1:]
                break
        return (r1, r2)

    def _rv_standard(self, word, vowels):
        rv = ''
        if len(word) >= 2:
            if word[1] not in vowels:
                for i in range(2, len(word)):
                    if word[i] in vowels:
                        rv = word[i + 1:]
                        break
            elif word[0] in vowels and word[1] in vowels:
                for i in range(2, len(word)):
                    if word[i] not in vowels:
                        rv = word[i + 1:]
                        break
            else:
                rv = word[3:]
        return rv


class EnglishStemmer(_StandardStemmer):
    __vowels = 'aeiouy'
    __double_consonants = ('bb', 'dd', 'ff', 'gg', 'mm', 'nn', 'pp', 'rr', 'tt')
    __li_ending = 'cdeghkmnrt'
    __step0_suffixes = ("'s'", "'s", "'")
    __step1a_suffixes = ('sses', 'ied', 'ies', 'us', 'ss', 's')
    __step1b_suffixes = ('eedly', 'ingly', 'edly', 'eed', 'ing', 'ed')
    __step2_suffixes = ('ization', 'ational', 'fulness', 'ousness', 'iveness', 'tional', 'biliti', 'lessli', 'entli', 'ation', 'alism', 'aliti', 'ousli', 'iviti', 'fulli', 'enci', 'anci', 'abli', 'izer', 'ator', 'alli', 'bli', 'ogi', 'li')
    __step3_suffixes = ('ational', 'tional', 'alize', 'icate', 'iciti', 'ative', 'ical', 'ness', 'ful')
    __step4_suffixes = ('ement', 'ance', 'ence', 'able', 'ible', 'ment', 'ant', 'ent', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize', 'ion', 'al', 'er', 'ic')
    __step5_suffixes = ('e', 'l')
    __special_words = {'skis': 'ski', 'skies': 'sky', 'dying': 'die', 'lying': 'lie', 'tying': 'tie', 'idly': 'idl', 'gently': 'gentl', 'ugly': 'ugli', 'early': 'earli', 'only': 'onli', 'singly': 'singl', 'sky': 'sky', 'news': 'news', 'howe': 'howe', 'atlas': 'atlas', 'cosmos': 'cosmos', 'bias': 'bias', 'andes': 'andes', 'inning': 'inning', 'innings': 'inning', 'outing': 'outing', 'outings': 'outing', 'canning': 'canning', 'cannings': 'canning', 'herring': 'herring', 'herrings': 'herring', 'earring': 'earring', 'earrings': 'earring', 'proceed': 'proceed', 'proceeds': 'proceed', 'proceeded': 'proceed', 'proceeding': 'proceed', 'exceed': 'exceed', 'exceeds': 'exceed', 'exceeded': 'exceed', 'exceeding': 'exceed', 'succeed': 'succeed', 'succeeds': 'succeed', 'succeeded': 'succeed', 'succeeding': 'succeed'}

    def stem(self, word):
        word = word.lower()
        if word in self.stopwords or len(word) <= 2:
            return word
        elif word in self.__special_words:
            return self.__special_words[word]
        word = word.replace('’', "'").replace('‘', "'").replace('‛', "'")
        if word.startswith("'"):
            word = word[1:]
        if word.startswith('y'):
            word = ''.join(('Y', word[1:]))
        chars = list(word)
        for i in range(1, len(chars)):
            if chars[i - 1] in self.__vowels and chars[i] == 'y':
                chars[i] = 'Y'
        word = ''.join(chars)
        step1a_vowel_found = False
        step1b_vowel_found = False
        r1 = ''
        r2 = ''
        if word.startswith(('gener', 'commun', 'arsen')):
            if word.startswith(('gener', 'arsen')):
                r1 = word[5:]
            else:
                r1 = word[6:]
            for i in range(1, len(r1)):
                if r1[i] not in self.__vowels and r1[i - 1] in self.__vowels:
                    r2 = r1[i + 1:]
                    break
        else:
            r1, r2 = self._r1r2_standard(word, self.__vowels)
        for suffix in self.__step0_suffixes:
            if word.endswith(suffix):
                word = word[:-len(suffix)]
                r1 = r1[:-len(suffix)]
                r2 = r2[:-len(suffix)]
                break
        for suffix in self.__step1a_suffixes:
            if word.endswith(suffix):
                if suffix == 'sses':
                    word = word[:-2]
                    r1 = r1[:-2]
                    r2 = r2[:-2]
                elif suffix in ('ied', 'ies'):
                    if len(word[:-len(suffix)]) > 1:
                        word = word[:-2]
                        r1 = r1[:-2]
                        r2 = r2[:-2]
                    else:
                        word = word[:-1]
                        r1 = r1[:-1]
                        r2 = r2[:-1]
                elif suffix == 's':
                    for letter in word[:-2]:
                        if letter in self.__vowels:
                            step1a_vowel_found = True
                            break
                    if step1a_vowel_found:
                        word = word[:-1]
                        r1 = r1[:-1]
                        r2 = r2[:-1]
                break
        for suffix in self.__step1b_suffixes:
            if word.endswith(suffix):
                if suffix in ('eed', 'eedly'):
                    if r1.endswith(suffix):
                        word = suffix_replace(word, suffix, 'ee')
                        if len(r1) >= len(suffix):
                            r1 = suffix_replace(r1, suffix, 'ee')
                        else:
                            r1 = ''
                        if len(r2) >= len(suffix):
                            r2 = suffix_replace(r2, suffix, 'ee')
                        else:
                            r2 = ''
                else:
                    for letter in word[:-len(suffix)]:
                        if letter in self.__vowels:
                            step1b_vowel_found = True
                            break
                    if step1b_vowel_found:
                        word = word[:-len(suffix)]
                        r1 = r1[:-len(suffix)]
                        r2 = r2[:-len(suffix)]
                        if word.endswith(('at', 'bl', 'iz')):
                            word = ''.join((word, 'e'))
                            r1 = ''.join((r1, 'e'))
                            if len(word) > 5 or len(r1) >= 3:
                                r2 = ''.join((r2, 'e'))
                        elif word.endswith(self.__double_consonants):
                            word = word[:-1]
                            r1 = r1[:-1]
                            r2 = r2[:-1]
                        elif r1 == '' and len(word) >= 3 and (word[-1] not in self.__vowels) and (word[-1] not in 'wxY') and (word[-2] in self.__vowels) and (word[-3] not in self.__vowels) or (r1 == '' and len(word) == 2 and (word[0] in self.__vowels) and (word[1] not in self.__vowels)):
                            word = ''.join((word, 'e'))
                            if len(r1) > 0:
                                r1 = ''.join((r1, 'e'))
                            if len(r2) > 0:
                                r2 = ''.join((r2, 'e'))
                break
        if len(word) > 2 and word[-1] in 'yY' and (word[-2] not in self.__vowels):
            word = ''.join((word[:-1], 'i'))
            if len(r1) >= 1:
                r1 = ''.join((r1[:-1], 'i'))
            else:
                r1 = ''
            if len(r2) >= 1:
                r2 = ''.join((r2[:-1], 'i'))
            else:
                r2 = ''
        for suffix in self.__step2_suffixes:
            if word.endswith(suffix):
                if r1.endswith(suffix):
                    if suffix == 'tional':
                        word = word[:-2]
                        r1 = r1[:-2]
                        r2 = r2[:-2]
                    elif suffix in ('enci', 'anci', 'abli'):
                        word = ''.join((word[:-1], 'e'))
                        if len(r1) >= 1:
                            r1 = ''.join((r1[:-1], 'e'))
                        else:
                            r1 = ''
                        if len(r2) >= 1:
                            r2 = ''.join((r2[:-1], 'e'))
                        else:
                            r2 = ''
                    elif suffix == 'entli':
                        word = word[:-2]
                        r1 = r1[:-2]
                        r2 = r2[:-2]
                    elif suffix in ('izer', 'ization'):
                        word = suffix_replace(word, suffix, 'ize')
                        if len(r1) >= len(suffix):
                            r1 = suffix_replace(r1, suffix, 'ize')
                        else:
                            r1 = ''
                        if len(r2) >= len(suffix):
                            r2 = suffix_replace(r2, suffix, 'ize')
                        else:
                            r2 = ''
                    elif suffix in ('ational', 'ation', 'ator'):
                        word = suffix_replace(word, suffix, 'ate')
                        if len(r1) >= len(suffix):
                            r1 = suffix_replace(r1, suffix, 'ate')
                        else:
                            r1 = ''
                        if len(r2) >= len(suffix):
                            r2 = suffix_replace(r2, suffix, 'ate')
                        else:
                            r2 = 'e'
                    elif suffix in ('alism', 'aliti', 'alli'):
                        word = suffix_replace(word, suffix, 'al')
                        if len(r1) >= len(suffix):
                            r1 = suffix_replace(r1, suffix, 'al')
                        else:
                            r1 = ''
                        if len(r2) >= len(suffix):
                            r2 = suffix_replace(r2, suffix, 'al')
                        else:
                            r2 = ''
                    elif suffix == 'fulness':
                        word = word[:-4]
                        r1 = r1[:-4]
                        r2 = r2[:-4]
                    elif suffix in ('ousli', 'ousness'):
                        word = suffix_replace(word, suffix, 'ous')
                        if len(r1) >= len(suffix):
                            r1 = suffix_replace(r1, suffix, 'ous')
                        else:
                            r1 = ''
                        if len(r2) >= len(suffix):
                            r2 = suffix_replace(r2, suffix, 'ous')
                        else:
                            r2 = ''
                    elif suffix in ('iveness', 'iviti'):
                        word = suffix_replace(word, suffix, 'ive')
                        if len(r1) >= len(suffix):
                            r1 = suffix_replace(r1, suffix, 'ive')
                        else:
                            r1 = ''
                        if len(r2) >= len(suffix):
                            r2 = suffix_replace(r2, suffix, 'ive')
                        else:
                            r2 = 'e'
                    elif suffix in ('biliti', 'bli'):
                        word = suffix_replace(word, suffix, 'ble')
                        if len(r1) >= len(suffix):
                            r1 = suffix_replace(r1, suffix, 'ble')
                        else:
                            r1 = ''
                        if len(r2) >= len(suffix):
                            r2 = suffix_replace(r2, suffix, 'ble')
                        else:
                            r2 = ''
                    elif suffix == 'ogi' and word[-4] == 'l':
                        word = word[:-1]
                        r1 = r1[:-1]
                        r2 = r2[:-1]
                    elif suffix in ('fulli', 'lessli'):
                        word = word[:-2]
                        r1 = r1[:-2]
                        r2 = r2[:-2]
                    elif suffix == 'li' and word[-3] in self.__li_ending:
                        word = word[:-2]
                        r1 = r1[:-2]
                        r2 = r2[:-2]
                break
        for suffix in self.__step3_suffixes:
            if word.endswith(suffix):
                if r1.endswith(suffix):
                    if suffix == 'tional':
                        word = word[:-2]
                        r1 = r1[:-2]
                        r2 = r2[:-2]
                    elif suffix == 'ational':
                        word = suffix_replace(word, suffix, 'ate')
                        if len(r1) >= len(suffix):
                            r1 = suffix_replace(r1, suffix, 'ate')
                        else:
                            r1 = ''
                        if len(r2) >= len(suffix):
                            r2 = suffix_replace(r2, suffix, 'ate')
                        else:
                            r2 = ''
                    elif suffix == 'alize':
                        word = word[:-3]
                        r1 = r1[:-3]
                        r2 = r2[:-3]
                    elif suffix in ('icate', 'iciti', 'ical'):
                        word = suffix_replace(word, suffix, 'ic')
                        if len(r1) >= len(suffix):
                            r1 = suffix_replace(r1, suffix, 'ic')
                        else:
                            r1 = ''
                        if len(r2) >= len(suffix):
                            r2 = suffix_replace(r2, suffix, 'ic')
                        else:
                            r2 = ''
                    elif suffix in ('ful', 'ness'):
                        word = word[:-len(suffix)]
                        r1 = r1[:-len(suffix)]
                        r2 = r2[:-len(suffix)]
                    elif suffix == 'ative' and r2.endswith(suffix):
                        word = word[:-5]
                        r1 = r1[:-5]
                        r2 = r2[:-5]
                break
        for suffix in self.__step4_suffixes:
            if word.endswith(suffix):
                if r2.endswith(suffix):
                    if suffix == 'ion':
                        if word[-4] in 'st':
                            word = word[:-3]
                            r1 = r1[:-3]
                            r2 = r2[:-3]
                    else:
                        word = word[:-len(suffix)]
                        r1 = r1[:-len(suffix)]
                        r2 = r2[:-len(suffix)]
                break
        if r2.endswith('l') and word[-2] == 'l':
            word = word[:-1]
        elif r2.endswith('e'):
            word = word[:-1]
        elif r1.endswith('e'):
            if len(word) >= 4 and (word[-2] in self.__vowels or word[-2] in 'wxY' or word[-3] not in self.__vowels or (word[-4] in self.__vowels)):
                word = word[:-1]
        word = word.replace('Y', 'y')
        return word


class RussianStemmer(_Stemmer):
    __perfective_gerund_suffixes = ("ivshis'", "yvshis'", "vshis'", 'ivshi', 'yvshi', 'vshi', 'iv', 'yv', 'v')
    __adjectival_suffixes = ('ui^ushchi^ui^u', 'ui^ushchi^ai^a', 'ui^ushchimi', 'ui^ushchymi', 'ui^ushchego', 'ui^ushchogo', 'ui^ushchemu', 'ui^ushchomu', 'ui^ushchikh', 'ui^ushchykh', 'ui^ushchui^u', 'ui^ushchaia', 'ui^ushchoi^u', 'ui^ushchei^u', 'i^ushchi^ui^u', 'i^ushchi^ai^a', 'ui^ushchee', 'ui^ushchie', 'ui^ushchye', 'ui^ushchoe', 'ui^ushchei`', 'ui^ushchii`', 'ui^ushchyi`', 'ui^ushchoi`', 'ui^ushchem', 'ui^ushchim', 'ui^ushchym', 'ui^ushchom', 'i^ushchimi', 'i^ushchymi', 'i^ushchego', 'i^ushchogo', 'i^ushchemu', 'i^ushchomu', 'i^ushchikh', 'i^ushchykh', 'i^ushchui^u', 'i^ushchai^a', 'i^ushchoi^u', 'i^ushchei^u', 'i^ushchee', 'i^ushchie', 'i^ushchye', 'i^ushchoe', 'i^ushchei`', 'i^ushchii`', 'i^ushchyi`', 'i^ushchoi`', 'i^ushchem', 'i^ushchim', 'i^ushchym', 'i^ushchom', 'shchi^ui^u', 'shchi^ai^a', 'ivshi^ui^u', 'ivshi^ai^a', 'yvshi^ui^u', 'yvshi^ai^a', 'shchimi', 'shchymi', 'shchego', 'shchogo', 'shchemu', 'shchomu', 'shchikh', 'shchykh', 'shchui^u', 'shchai^a', 'shchoi^u', 'shchei^u', 'ivshimi', 'ivshymi', 'ivshego', 'ivshogo', 'ivshemu', 'ivshomu', 'ivshikh', 'ivshykh', 'ivshui^u', 'ivshai^a', 'ivshoi^u', 'ivshei^u', 'yvshimi', 'yvshymi', 'yvshego', 'yvshogo', 'yvshemu', 'yvshomu', 'yvshikh', 'yvshykh', 'yvshui^u', 'yvshai^a', 'yvshoi^u', 'yvshei^u', 'vshi^ui^u', 'vshi^ai^a', 'shchee', 'shchie', 'shchye', 'shchoe', 'shchei`', 'shchii`', 'shchyi`', 'shchoi`', 'shchem', 'shchim', 'shchym', 'shchom', 'ivshee', 'ivshie', 'ivshye', 'ivshoe', 'ivshei`', 'ivshii`', 'ivshyi`', 'ivshoi`', 'ivshem', 'ivshim', 'ivshym', 'ivshom', 'yvshee', 'yvshie', 'yvshye', 'yvshoe', 'yvshei`', 'yvshii`', 'yvshyi`', 'yvshoi`', 'yvshem', 'yvshim', 'yvshym', 'yvshom', 'vshimi', 'vshymi', 'vshego', 'vshogo', 'vshemu', 'vshomu', 'vshikh', 'vshykh', 'vshui^u', 'vshai^a', 'vshoi^u', 'vshei^u', 'emi^ui^u', 'emi^ai^a', 'nni^ui^u', 'nni^ai^a', 'vshee', 'vshie', 'vshye', 'vshoe', 'vshei`', 'vshii`', 'vshyi`', 'vshoi`', 'vshem', 'vshim', 'vshym', 'vshom', 'emimi', 'emymi', 'emego', 'emogo', 'ememu', 'emomu', 'emikh', 'emykh', 'emui^u', 'emai^a', 'emoi^u', 'emei^u', 'nnimi', 'nnymi', 'nnego', 'nnogo', 'nnemu', 'nnomu', 'nnikh', 'nnykh', 'nnui^u', 'nnai^a', 'nnoi^u', 'nnei^u', 'emee', 'emie', 'emye', 'emoe', 'emei`', 'emii`', 'emyi`', 'emoi`', 'emem', 'emim', 'emym', 'emom', 'nnee', 'nnie', 'nnye', 'nnoe', 'nnei`', 'nnii`', 'nnyi`', 'nnoi`', 'nnem', 'nnim', 'nnym', 'nnom', 'i^ui^u', 'i^ai^a', 'imi', 'ymi', 'ego', 'ogo', 'emu', 'omu', 'ikh', 'ykh', 'ui^u', 'ai^a', 'oi^u', 'ei^u', 'ee', 'ie', 'ye', 'oe', 'ei`', 'ii`', 'yi`', 'oi`', 'em', 'im', 'ym', 'om')
    __reflexive_suffixes = ('si^a', "s'")
    __verb_suffixes = ("esh'", 'ei`te', 'ui`te', 'ui^ut', "ish'", 'ete', 'i`te', 'i^ut', 'nno', 'ila', 'yla', 'ena', 'ite', 'ili', 'yli', 'ilo', 'ylo', 'eno', 'i^at', 'uet', 'eny', "it'", "yt'", 'ui^u', 'la', 'na', 'li', 'em', 'lo', 'no', 'et', 'ny', "t'", 'ei`', 'ui`', 'il', 'yl', 'im', 'ym', 'en', 'it', 'yt', 'i^u', 'i`', 'l', 'n')
    __noun_suffixes = ('ii^ami', 'ii^akh', 'i^ami', 'ii^am', 'i^akh', 'ami', 'iei`', 'i^am', 'iem', 'akh', 'ii^u', "'i^u", 'ii^a', "'i^a", 'ev', 'ov', 'ie', "'e", 'ei', 'ii', 'ei`', 'oi`', 'ii`', 'em', 'am', 'om', 'i^u', 'i^a', 'a', 'e', 'i', 'i`', 'o', 'u', 'y', "'")
    __superlative_suffixes = ('ei`she', 'ei`sh')
    __derivational_suffixes = ("ost'", 'ost')

    def stem(self, word):
        if word in self.stopwords:
            return word
        chr_exceeded = False
        for i in range(len(word)):
            if ord(word[i]) > 255:
                chr_exceeded = True
                break
        if not chr_exceeded:
            return word
        word = self.__cyrillic_to_roman(word)
        step1_success = False
        adjectival_removed = False
        verb_removed = False
        undouble_success = False
        superlative_removed = False
        rv, r2 = self.__regions_russian(word)
        for suffix in self.__perfective_gerund_suffixes:
            if rv.endswith(suffix):
                if suffix in ('v', 'vshi', "vshis'"):
                    if rv[-len(suffix) - 3:-len(suffix)] == 'i^a' or rv[-len(suffix) - 1:-len(suffix)] == 'a':
                        word = word[:-len(suffix)]
                        r2 = r2[:-len(suffix)]
                        rv = rv[:-len(suffix)]
                        step1_success = True
                        break
                else:
                    word = word[:-len(suffix)]
                    r2 = r2[:-len(suffix)]
                    rv = rv[:-len(suffix)]
                    step1_success = True
                    break
        if not step1_success:
            for suffix in self.__reflexive_suffixes:
                if rv.endswith(suffix):
                    word = word[:-len(suffix)]
                    r2 = r2[:-len(suffix)]
                    rv = rv[:-len(suffix)]
                    break
            for suffix in self.__adjectival_suffixes:
                if rv.endswith(suffix):
                    if suffix in ('i^ushchi^ui^u', 'i^ushchi^ai^a', 'i^ushchui^u', 'i^ushchai^a', 'i^ushchoi^u', 'i^ushchei^u', 'i^ushchimi', 'i^ushchymi', 'i^ushchego', 'i^ushchogo', 'i^ushchemu', 'i^ushchomu', 'i^ushchikh', 'i^ushchykh', 'shchi^ui^u', 'shchi^ai^a', 'i^ushchee', 'i^ushchie', 'i^ushchye', 'i^ushchoe', 'i^ushchei`', 'i^ushchii`', 'i^ushchyi`', 'i^ushchoi`', 'i^ushchem', 'i^ushchim', 'i^ushchym', 'i^ushchom', 'vshi^ui^u', 'vshi^ai^a', 'shchui^u', 'shchai^a', 'shchoi^u', 'shchei^u', 'emi^ui^u', 'emi^ai^a', 'nni^ui^u', 'nni^ai^a', 'shchimi', 'shchymi', 'shchego', 'shchogo', 'shchemu', 'shchomu', 'shchikh', 'shchykh', 'vshui^u', 'vshai^a', 'vshoi^u', 'vshei^u', 'shchee', 'shchie', 'shchye', 'shchoe', 'shchei`', 'shchii`', 'shchyi`', 'shchoi`', 'shchem', 'shchim', 'shchym', 'shchom', 'vshimi', 'vshymi', 'vshego', 'vshogo', 'vshemu', 'vshomu', 'vshikh', 'vshykh', 'emui^u', 'emai^a', 'emoi^u', 'emei^u', 'nnui^u', 'nnai^a', 'nnoi^u', 'nnei^u', 'vshee', 'vshie', 'vshye', 'vshoe', 'vshei`', 'vshii`', 'vshyi`', 'vshoi`', 'vshem', 'vshim', 'vshym', 'vshom', 'emimi', 'emymi', 'emego', 'emogo', 'ememu', 'emomu', 'emikh', 'emykh', 'nnimi', 'nnymi', 'nnego', 'nnogo', 'nnemu', 'nnomu', 'nnikh', 'nnykh', 'emee', 'emie', 'emye', 'emoe', 'emei`', 'emii`', 'emyi`', 'emoi`', 'emem', 'emim', 'emym', 'emom', 'nnee', 'nnie', 'nnye', 'nnoe', 'nnei`', 'nnii`', 'nnyi`', 'nnoi`', 'nnem', 'nnim', 'nnym', 'nnom'):
                        if rv[-len(suffix) - 3:-len(suffix)] == 'i^a' or rv[-len(suffix) - 1:-len(suffix)] == 'a':
                            word = word[:-len(suffix)]
                            r2 = r2[:-len(suffix)]
                            rv = rv[:-len(suffix)]
                            adjectival_removed = True
                            break
                    else:
                        word = word[:-len(suffix)]
                        r2 = r2[:-len(suffix)]
                        rv = rv[:-len(suffix)]
                        adjectival_removed = True
                        break
            if not adjectival_removed:
                for suffix in self.__verb_suffixes:
                    if rv.endswith(suffix):
                        if suffix in ('la', 'na', 'ete', 'i`te', 'li', 'i`', 'l', 'em', 'n', 'lo', 'no', 'et', 'i^ut', 'ny', "t'", "esh'", 'nno'):
                            if rv[-len(suffix) - 3:-len(suffix)] == 'i^a' or rv[-len(suffix) - 1:-len(suffix)] == 'a':
                                word = word[:-len(suffix)]
                                r2 = r2[:-len(suffix)]
                                rv = rv[:-len(suffix)]
                                verb_removed = True
                                break
                        else:
                            word = word[:-len(suffix)]
                            r2 = r2[:-len(suffix)]
                            rv = rv[:-len(suffix)]
                            verb_removed = True
                            break
            if not adjectival_removed and (not verb_removed):
                for suffix in self.__noun_suffixes:
                    if rv.endswith(suffix):
                        word = word[:-len(suffix)]
                        r2 = r2[:-len(suffix)]
                        rv = rv[:-len(suffix)]
                        break
        if rv.endswith('i'):
            word = word[:-1]
            r2 = r2[:-1]
        for suffix in self.__derivational_suffixes:
            if r2.endswith(suffix):
                word = word[:-len(suffix)]
                break
        if word.endswith('nn'):
            word = word[:-1]
            undouble_success = True
        if not undouble_success:
            for suffix in self.__superlative_suffixes:
                if word.endswith(suffix):
                    word = word[:-len(suffix)]
                    superlative_removed = True
                    break
            if word.endswith('nn'):
                word = word[:-1]
        if not undouble_success and (not superlative_removed):
            if word.endswith("'"):
                word = word[:-1]
        word = self.__roman_to_cyrillic(word)
        return word

    def __regions_russian(self, word):
        r1 = ''
        r2 = ''
        rv = ''
        vowels = ('A', 'U', 'E', 'a', 'e', 'i', 'o', 'u', 'y')
        word = word.replace('i^a', 'A').replace('i^u', 'U').replace('e`', 'E')
        for i in range(1, len(word)):
            if word[i] not in vowels and word[i - 1] in vowels:
                r1 = word[i + 1:]
                break
        for i in range(1, len(r1)):
            if r1[i] not in vowels and r1[i - 1] in vowels:
                r2 = r1[i + 1:]
                break
        for i in range(len(word)):
            if word[i] in vowels:
                rv = word[i + 1:]
                break
        r2 = r2.replace('A', 'i^a').replace('U', 'i^u').replace('E', 'e`')
        rv = rv.replace('A', 'i^a').replace('U', 'i^u').replace('E', 'e`')
        return (rv, r2)

    def __cyrillic_to_roman(self, word):
        word = word.replace('А', 'a').replace('а', 'a').replace('Б', 'b').replace('б', 'b').replace('В', 'v').replace('в', 'v').replace('Г', 'g').replace('г', 'g').replace('Д', 'd').replace('д', 'd').replace('Е', 'e').replace('е', 'e').replace('Ё', 'e').replace('ё', 'e').replace('Ж', 'zh').replace('ж', 'zh').replace('З', 'z').replace('з', 'z').replace('И', 'i').replace('и', 'i').replace('Й', 'i`').replace('й', 'i`').replace('К', 'k').replace('к', 'k').replace('Л', 'l').replace('л', 'l').replace('М', 'm').replace('м', 'm').replace('Н', 'n').replace('н', 'n').replace('О', 'o').replace('о', 'o').replace('П', 'p').replace('п', 'p').replace('Р', 'r').replace('р', 'r').replace('С', 's').replace('с', 's').replace('Т', 't').replace('т', 't').replace('У', 'u').replace('у', 'u').replace('Ф', 'f').replace('ф', 'f').replace('Х', 'kh').replace('х', 'kh').replace('Ц', 't^s').replace('ц', 't^s').replace('Ч', 'ch').replace('ч', 'ch').replace('Ш', 'sh').replace('ш', 'sh').replace('Щ', 'shch').replace('щ', 'shch').replace('Ъ', "''").replace('ъ', "''").replace('Ы', 'y').replace('ы', 'y').replace('Ь', "'").replace('ь', "'").replace('Э', 'e`').replace('э', 'e`').replace('Ю', 'i^u').replace('ю', 'i^u').replace('Я', 'i^a').replace('я', 'i^a')
        return word

    def __roman_to_cyrillic(self, word):
        word = word.replace('i^u', 'ю').replace('i^a', 'я').replace('shch', 'щ').replace('kh', 'х').replace('t^s', 'ц').replace('ch', 'ч').replace('e`', 'э').replace('i`', 'й').replace('sh', 'ш').replace('k', 'к').replace('e', 'е').replace('zh', 'ж').replace('a', 'а').replace('b', 'б').replace('v', 'в').replace('g', 'г').replace('d', 'д').replace('e', 'е').replace('z', 'з').replace('i', 'и').replace('l', 'л').replace('m', 'м').replace('n', 'н').replace('o', 'о').replace('p', 'п').replace('r', 'р').replace('s', 'с').replace('t', 'т').replace('u', 'у').replace('f', 'ф').replace("''", 'ъ').replace('y', 'ы').replace("'", 'ь')
        return word
